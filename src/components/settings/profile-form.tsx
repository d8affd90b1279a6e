"use client";

import type { FormEvent } from "react";
import { PROFILE_KINDS, PROMPT_DELIVERIES, type ProfileKind, type PromptDelivery } from "@/lib/domain";
import type { ActionResult } from "@/lib/errors";
import { formatArgsText, formatEnvText, type ProfileFormInput } from "@/lib/schemas/profile-form-schemas";
import type { ProfileView } from "@/lib/view-models";
import { Field } from "../ui/field";
import { formLevelMessage, useActionRunner } from "../ui/use-action-runner";
import { DELIVERY_LABELS, KIND_LABELS } from "./profile-labels";

const FIELD_NAMES = ["name", "kind", "command", "args", "env", "promptDelivery"] as const;

interface ProfileFormProps {
  initial?: ProfileView;
  submitLabel: string;
  pendingLabel: string;
  action: (input: ProfileFormInput) => Promise<ActionResult<{ id: string }>>;
  onSuccess: () => void;
  onCancel: () => void;
}

export function ProfileForm({ initial, submitLabel, pendingLabel, action, onSuccess, onCancel }: ProfileFormProps) {
  const { pending, failure, run } = useActionRunner();
  const errors = failure?.fields ?? {};
  const formMessage = formLevelMessage(failure, FIELD_NAMES);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const input: ProfileFormInput = {
      name: String(data.get("name") ?? ""),
      kind: String(data.get("kind") ?? "custom") as ProfileKind,
      command: String(data.get("command") ?? ""),
      args: String(data.get("args") ?? ""),
      env: String(data.get("env") ?? ""),
      promptDelivery: String(data.get("promptDelivery") ?? "args") as PromptDelivery,
    };
    run(() => action(input), onSuccess);
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-busy={pending}>
      {formMessage ? (
        <p className="form-alert" role="alert">
          {formMessage}
        </p>
      ) : null}
      <div className="form-row">
        <Field label="Name" error={errors.name}>
          {(control) => (
            <input
              {...control}
              className="input"
              name="name"
              defaultValue={initial?.name ?? ""}
              maxLength={100}
              autoComplete="off"
              placeholder="e.g. Codex"
              data-autofocus
            />
          )}
        </Field>
        <Field label="Kind" error={errors.kind} hint="Agent kinds (Claude Code, Codex, Gemini CLI, opencode, Aider) get status reporting, resume and, where the CLI takes it, this app's MCP server.">
          {(control) => (
            <select {...control} className="select" name="kind" defaultValue={initial?.kind ?? "custom"}>
              {PROFILE_KINDS.map((kind) => (
                <option key={kind} value={kind}>
                  {KIND_LABELS[kind]}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label="Command" error={errors.command} hint="The program to run, looked up on PATH (e.g. claude, codex, /bin/bash).">
        {(control) => (
          <input
            {...control}
            className="input mono"
            name="command"
            defaultValue={initial?.command ?? ""}
            autoComplete="off"
            spellCheck={false}
          />
        )}
      </Field>
      <Field
        label="Arguments"
        optional
        error={errors.args}
        hint="One per line; {prompt} is replaced by the task's prompt. Start with [ to write a JSON array instead."
      >
        {(control) => (
          <textarea
            {...control}
            className="textarea mono"
            name="args"
            rows={3}
            defaultValue={initial ? formatArgsText(initial.args) : ""}
            spellCheck={false}
          />
        )}
      </Field>
      <Field label="Environment" optional error={errors.env} hint="KEY=VALUE per line, added to the terminal's environment.">
        {(control) => (
          <textarea
            {...control}
            className="textarea mono"
            name="env"
            rows={3}
            defaultValue={initial ? formatEnvText(initial.env) : ""}
            spellCheck={false}
          />
        )}
      </Field>
      <Field label="Prompt delivery" error={errors.promptDelivery}>
        {(control) => (
          <select {...control} className="select" name="promptDelivery" defaultValue={initial?.promptDelivery ?? "args"}>
            {PROMPT_DELIVERIES.map((delivery) => (
              <option key={delivery} value={delivery}>
                {DELIVERY_LABELS[delivery]}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="form-actions">
        <button type="button" className="button button-ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? pendingLabel : submitLabel}
        </button>
      </div>
    </form>
  );
}
