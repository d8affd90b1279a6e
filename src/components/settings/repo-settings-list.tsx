"use client";

import { useState, type FormEvent } from "react";
import { updateRepoSettings } from "@/actions/workspace-actions";
import { Field } from "../ui/field";
import { formLevelMessage, useActionRunner } from "../ui/use-action-runner";
import styles from "./settings.module.css";

export interface RepoSettingsView {
  repoRoot: string;
  copyFiles: string[];
  setupCommand: string;
  isDefault: boolean;
}

const FIELDS = ["repoRoot", "copyFiles", "setupCommand"] as const;

/** Field messages from the service name list entries (`copyFiles.2`): shown at the list. */
function fieldErrors(fields: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, message] of Object.entries(fields ?? {})) {
    const match = /^copyFiles\.(\d+)$/.exec(key);
    const name = match ? "copyFiles" : key;
    if (!(name in out)) out[name] = match ? `line ${Number(match[1]) + 1}: ${message}` : message;
  }
  return out;
}

function RepoForm({ repo, isNew = false }: { repo: RepoSettingsView; isNew?: boolean }) {
  const { pending, failure, run } = useActionRunner();
  const [saved, setSaved] = useState(false);
  const errors = fieldErrors(failure?.fields);
  const formMessage = formLevelMessage(failure ? { ...failure, fields: errors } : undefined, FIELDS);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    const data = new FormData(event.currentTarget);
    run(
      () =>
        updateRepoSettings({
          repoRoot: isNew ? String(data.get("repoRoot") ?? "") : repo.repoRoot,
          copyFiles: String(data.get("copyFiles") ?? ""),
          setupCommand: String(data.get("setupCommand") ?? ""),
        }),
      () => setSaved(true),
    );
  };

  return (
    <form
      className={`form ${styles.repoForm}`}
      onSubmit={submit}
      noValidate
      aria-busy={pending}
      aria-label={isNew ? "Another repository" : repo.repoRoot}
      data-testid="repo-settings"
    >
      {isNew ? (
        <Field label="Repository" error={errors.repoRoot} hint="Any directory inside a git repository, as an absolute path.">
          {(control) => <input {...control} className="input mono" name="repoRoot" autoComplete="off" spellCheck={false} />}
        </Field>
      ) : (
        <h3 className="mono">
          {repo.repoRoot}
          {repo.isDefault ? <span className="tag"> defaults</span> : null}
        </h3>
      )}
      {formMessage ? (
        <p className="form-alert" role="alert">
          {formMessage}
        </p>
      ) : null}
      <div className="form-row">
        <Field
          label="Files to copy into a new worktree"
          error={errors.copyFiles}
          hint="One per line, relative to the repository root; * and ? match within one directory. Files already in the worktree (tracked ones) are never overwritten."
        >
          {(control) => (
            <textarea {...control} className="textarea mono" name="copyFiles" rows={3} defaultValue={repo.copyFiles.join("\n")} spellCheck={false} />
          )}
        </Field>
        <Field
          label="Setup command"
          optional
          error={errors.setupCommand}
          hint="Run with sh in a new worktree before the agent, shown in the task's terminal (e.g. npm ci). If it fails, the agent does not start."
        >
          {(control) => <input {...control} className="input mono" name="setupCommand" defaultValue={repo.setupCommand} autoComplete="off" spellCheck={false} />}
        </Field>
      </div>
      <div className="form-actions">
        <p role="status" className="form-success">
          {saved ? "Saved." : ""}
        </p>
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? "Saving…" : isNew ? "Add repository" : "Save"}
        </button>
      </div>
    </form>
  );
}

/** Per repository: what makes a new worktree ready to run. Known repositories, and one to add. */
export function RepoSettingsList({ repos }: { repos: RepoSettingsView[] }) {
  return (
    <div className={styles.repoList}>
      {repos.length === 0 ? <p className="muted">No repository yet: one appears here when an isolated task first starts in it.</p> : null}
      {repos.map((repo) => (
        <RepoForm key={repo.repoRoot} repo={repo} />
      ))}
      <details>
        <summary>Set up another repository</summary>
        <RepoForm repo={{ repoRoot: "", copyFiles: [".env*"], setupCommand: "", isDefault: true }} isNew />
      </details>
    </div>
  );
}
