import os from "node:os";
import path from "node:path";
import type { Metadata } from "next";
import { AgentCliList } from "@/components/settings/agent-cli-list";
import { ProfileList } from "@/components/settings/profile-list";
import { RemoteAccessPanel } from "@/components/settings/remote-access-panel";
import { RepoSettingsList } from "@/components/settings/repo-settings-list";
import { SettingsForm } from "@/components/settings/settings-form";
import { TerminalRendererSetting } from "@/components/settings/terminal-renderer-setting";
import { WorktreeUsage } from "@/components/settings/worktree-usage";
import styles from "@/components/settings/settings.module.css";
import type { AgentCliView, ProfileView } from "@/lib/view-models";
import { getServices } from "@/server/registry";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage() {
  const services = getServices();
  const repos = services.workspaces.knownRepos();
  const usage = await services.workspaces.diskUsage();
  const settings = services.settings.getAll();
  const profiles: ProfileView[] = services.profiles.list().map((profile) => ({
    id: profile.id,
    name: profile.name,
    kind: profile.kind,
    command: profile.command,
    args: profile.args,
    env: profile.env,
    promptDelivery: profile.promptDelivery,
    isActive: profile.isActive,
  }));
  const installed = await services.agentClis.current();
  const clis: AgentCliView[] = installed.map((cli) => {
    const ofKind = profiles.filter((profile) => profile.kind === cli.kind);
    const chosen = ofKind.find((profile) => profile.isActive) ?? ofKind[0];
    return { ...cli, path: cli.path ? shownCliPath(cli.path) : null, profileName: chosen?.name ?? null, active: chosen?.isActive ?? false };
  });
  return (
    <main className="page">
      <div className="page-header">
        <div>
          <h1>Settings</h1>
          <p className="page-subtitle">Limits for task terminals, and the agent CLIs tasks run.</p>
        </div>
      </div>
      <div className={styles.layout}>
        <ProfileList profiles={profiles} />
        <AgentCliList clis={clis} />
        <section className="panel" aria-labelledby="limits-title">
          <div className="panel-header">
            <div>
              <h2 id="limits-title">Terminals and limits</h2>
              <p className="muted">Applied to sessions started after saving.</p>
            </div>
          </div>
          <div className="panel-body">
            <SettingsForm settings={settings} />
          </div>
        </section>
        <section className="panel" aria-labelledby="browser-title">
          <div className="panel-header">
            <div>
              <h2 id="browser-title">This browser</h2>
              <p className="muted">Kept in this browser only: each device has its own.</p>
            </div>
          </div>
          <div className="panel-body">
            <TerminalRendererSetting />
          </div>
        </section>
        <section className="panel" aria-labelledby="repos-title">
          <div className="panel-header">
            <div>
              <h2 id="repos-title">Repositories</h2>
              <p className="muted">What makes a new worktree ready to run: files to copy and a setup command.</p>
            </div>
          </div>
          <div className="panel-body">
            <RepoSettingsList repos={repos} />
          </div>
        </section>
        <section className="panel" aria-labelledby="devices-title">
          <div className="panel-header">
            <div>
              <h2 id="devices-title">Other devices</h2>
              <p className="muted">Sign in from your phone, and the devices signed in so far.</p>
            </div>
          </div>
          <div className="panel-body">
            <RemoteAccessPanel />
          </div>
        </section>
        <section className="panel" aria-labelledby="worktrees-title">
          <div className="panel-header">
            <div>
              <h2 id="worktrees-title">Worktrees</h2>
              <p className="muted">Disk used by isolated tasks&apos; worktrees (under the data directory).</p>
            </div>
          </div>
          <div className="panel-body">
            <WorktreeUsage usage={usage} />
          </div>
        </section>
      </div>
    </main>
  );
}

/**
 * Where a CLI was found, as a person reads it: one in this app's own folder (`npm start` puts
 * `node_modules/.bin` on PATH, where the test dependencies live) relative to it, one in the home
 * directory with `~`. Absolute paths of the app's install stay out of pages.
 */
function shownCliPath(file: string): string {
  const appDir = process.cwd() + path.sep;
  if (file.startsWith(appDir)) return `./${file.slice(appDir.length)} (this app's folder)`;
  const home = os.homedir();
  return home && file.startsWith(home + path.sep) ? `~${file.slice(home.length)}` : file;
}
