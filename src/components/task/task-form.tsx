"use client";

import type { FormEvent } from "react";
import type { ActionResult } from "@/lib/errors";
import type { ProfileOption, TaskFormValues } from "@/lib/view-models";
import { Field } from "../ui/field";
import { formLevelMessage, useActionRunner } from "../ui/use-action-runner";

const FIELD_NAMES = ["title", "description", "prompt", "cwd", "profileId", "isolation", "baseBranch"] as const;

interface TaskFormProps {
  initial: TaskFormValues;
  profiles: ProfileOption[];
  submitLabel: string;
  pendingLabel: string;
  action: (values: TaskFormValues) => Promise<ActionResult<{ id: string }>>;
  onSuccess: (id: string) => void;
  onCancel: () => void;
  /** Set once the task has its worktree: every run starts there, so its directory, isolation and base branch are shown, not edited. */
  worktree?: { path: string; branch: string };
}

/** Create and edit form for a task. Inputs are uncontrolled: what was typed survives a server "no". */
export function TaskForm({ initial, profiles, submitLabel, pendingLabel, action, onSuccess, onCancel, worktree }: TaskFormProps) {
  const { pending, failure, run } = useActionRunner();
  const errors = failure?.fields ?? {};
  const formMessage = formLevelMessage(failure, FIELD_NAMES);
  const active = profiles.find((profile) => profile.isActive);
  const fixedHint = worktree ? `Fixed: this task runs in its worktree ${worktree.path} (branch ${worktree.branch}). Create a new task for another setup.` : undefined;

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const values: TaskFormValues = {
      title: String(data.get("title") ?? ""),
      description: String(data.get("description") ?? ""),
      prompt: String(data.get("prompt") ?? ""),
      cwd: worktree ? initial.cwd : String(data.get("cwd") ?? ""),
      profileId: String(data.get("profileId") ?? ""),
      isolation: worktree ? initial.isolation : String(data.get("isolation") ?? ""),
      baseBranch: worktree ? initial.baseBranch : String(data.get("baseBranch") ?? ""),
    };
    run(
      () => action(values),
      (result) => onSuccess(result.data.id),
    );
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-busy={pending}>
      {formMessage ? (
        <p className="form-alert" role="alert">
          {formMessage}
        </p>
      ) : null}
      <Field label="Title" error={errors.title}>
        {(control) => (
          <input
            {...control}
            className="input"
            name="title"
            defaultValue={initial.title}
            maxLength={200}
            autoComplete="off"
            placeholder="e.g. Add rate limiting to the API"
            data-autofocus
          />
        )}
      </Field>
      <Field label="Description" optional error={errors.description} hint="Notes for you; the agent does not see this.">
        {(control) => <textarea {...control} className="textarea" name="description" rows={2} defaultValue={initial.description} />}
      </Field>
      <Field
        label="Prompt"
        optional
        error={errors.prompt}
        hint="What the agent is asked to do. The CLI profile decides how it is handed over."
      >
        {(control) => (
          <textarea
            {...control}
            className="textarea"
            name="prompt"
            rows={5}
            defaultValue={initial.prompt}
            placeholder="Describe the change, the constraints and how to check it."
          />
        )}
      </Field>
      <div className="form-row">
        <Field
          label="Working directory"
          error={errors.cwd}
          hint={fixedHint ?? "An existing directory, as an absolute path (~ is your home). The terminal starts here."}
        >
          {(control) => (
            <input
              {...control}
              className="input mono"
              name="cwd"
              readOnly={Boolean(worktree)}
              defaultValue={initial.cwd}
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </Field>
        <Field label="CLI profile" error={errors.profileId} hint="Which agent CLI runs this task.">
          {(control) => (
            <select {...control} className="select" name="profileId" defaultValue={initial.profileId}>
              <option value="">{active ? `Active profile (${active.name})` : "Active profile"}</option>
              {profiles.map((profile) => (
                <option key={profile.id} value={profile.id}>
                  {profile.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div className="form-row">
        <Field
          label="Isolation"
          error={errors.isolation}
          hint={
            fixedHint ??
            "Worktree: at its first start the task gets its own git branch and worktree (when its directory is in a git repository), so agents do not edit the same files. Decided at the first start."
          }
        >
          {(control) => (
            <select {...control} className="select" name="isolation" defaultValue={initial.isolation} disabled={Boolean(worktree)}>
              <option value="">Default (from Settings)</option>
              <option value="worktree">Own git worktree and branch</option>
              <option value="none">None: run in the working directory</option>
            </select>
          )}
        </Field>
        <Field
          label="Base branch"
          optional
          error={errors.baseBranch}
          hint={worktree ? `Fixed: the worktree's branch ${worktree.branch} was made from it.` : "The branch an isolated task starts from. Empty: the repository's current branch."}
        >
          {(control) => (
            <input
              {...control}
              className="input mono"
              name="baseBranch"
              readOnly={Boolean(worktree)}
              defaultValue={initial.baseBranch}
              autoComplete="off"
              spellCheck={false}
              placeholder="e.g. main"
              maxLength={200}
            />
          )}
        </Field>
      </div>
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
