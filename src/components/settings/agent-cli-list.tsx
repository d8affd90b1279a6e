"use client";

import { useState, useTransition } from "react";
import { activateBuiltinProfile } from "@/actions/profile-actions";
import { AGENT_CLIS, type BuiltinAgentKind, type StatusMechanism } from "@/lib/agent-clis";
import { callAction } from "@/lib/client/action-call";
import type { AgentCliView } from "@/lib/view-models";
import styles from "./settings.module.css";

const STATUS_LABELS: Record<StatusMechanism, string> = {
  hooks: "status from its hooks",
  notify: "status from its notify program",
  screen: "status read from its screen",
};

/** The agent CLIs AI Manager knows: installed or not (server's PATH), version, and "Use" to make its profile active. */
export function AgentCliList({ clis }: { clis: AgentCliView[] }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | undefined>(undefined);
  const use = (kind: BuiltinAgentKind) =>
    start(async () => {
      const result = await callAction(() => activateBuiltinProfile(kind));
      setError(result.ok ? undefined : result.message);
    });

  return (
    <section className="panel" aria-labelledby="agent-clis-title">
      <div className="panel-header">
        <div>
          <h2 id="agent-clis-title">Agent CLIs</h2>
          <p className="muted">Found on the server&apos;s PATH. &ldquo;Use&rdquo; makes its profile active, creating it with the CLI&apos;s defaults if needed.</p>
        </div>
      </div>
      {error ? (
        <p className="form-alert" role="alert">
          {error}
        </p>
      ) : null}
      <ul className={styles.profileList} aria-label="Agent CLIs">
        {clis.map((cli) => {
          const info = AGENT_CLIS[cli.kind];
          return (
            <li key={cli.kind} className={styles.agentCli} data-testid={`agent-cli-${cli.kind}`}>
              <div className={styles.profileMain}>
                <div className={styles.profileTitleRow}>
                  <h3>{info.label}</h3>
                  {cli.path ? (
                    <span className="badge" data-tone="success" data-testid="agent-cli-state">
                      Installed{cli.version ? ` · ${cli.version}` : ""}
                    </span>
                  ) : (
                    <span className="badge" data-testid="agent-cli-state">
                      Not found
                    </span>
                  )}
                  {cli.profileName ? <span className="tag">Profile: {cli.profileName}</span> : null}
                </div>
                <code className={styles.profileCommand}>{cli.path ?? info.install}</code>
                <p className={styles.profileMeta}>
                  {STATUS_LABELS[info.status]}
                  {info.mcp ? " · this app's MCP server" : ""}
                  {" · resume: "}
                  {info.resume === "id" ? "its session id" : info.resume === "last" ? "its last session here" : "its session id, else its last session here"}
                  {cli.error ? ` · ${cli.error}` : ""}
                </p>
              </div>
              <div className={styles.profileActions}>
                <button
                  type="button"
                  className="button button-small"
                  disabled={pending || cli.active}
                  onClick={() => use(cli.kind)}
                  aria-label={cli.active ? `${info.label} is active` : `Use ${info.label}`}
                >
                  {cli.active ? "Active" : cli.profileName ? "Use" : "Create and use"}
                </button>
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
