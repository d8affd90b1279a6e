import { describe, expect, it } from "vitest";
import { buildSessionEnv } from "./launch-plan";

/** What `npm start` adds to the environment it was typed in (npm 11, checked with `npm run env`), and the server's mode. */
const npmStart = { NODE_ENV: "production" as const, npm_lifecycle_event: "start", npm_config_user_agent: "npm/11", INIT_CWD: "/p", NODE: "/usr/bin/node", COLOR: "0" };

describe("buildSessionEnv", () => {
  it("gives a task's terminal the user's environment, without the server's own settings or npm's run context", () => {
    const env = buildSessionEnv({ ...npmStart, HOME: "/home/u", PORT: "3000", EDITOR: "vi", LANG: "en_US.UTF-8" }, {}, { AI_MANAGER_TASK_ID: "t1" });
    expect(env).toEqual({ HOME: "/home/u", LANG: "en_US.UTF-8", AI_MANAGER_TASK_ID: "t1", TERM: "xterm-256color", COLORTERM: "truecolor" });
  });

  it("keeps an EDITOR npm only copied from the user's, and VISUAL", () => {
    expect(buildSessionEnv({ ...npmStart, EDITOR: "nano" }, {}, {}).EDITOR).toBe("nano");
    expect(buildSessionEnv({ ...npmStart, EDITOR: "vi", VISUAL: "vi" }, {}, {})).toMatchObject({ EDITOR: "vi", VISUAL: "vi" });
  });

  it("leaves NODE, COLOR and EDITOR alone when the server was not started through npm", () => {
    expect(buildSessionEnv({ NODE_ENV: "production", NODE: "/opt/node", COLOR: "1", EDITOR: "vi" }, {}, {})).toMatchObject({ NODE: "/opt/node", COLOR: "1", EDITOR: "vi" });
  });

  it("lets a profile's environment set them again, and ours win over both", () => {
    const env = buildSessionEnv({ ...npmStart, EDITOR: "vi" }, { EDITOR: "vi", AI_MANAGER_TASK_ID: "spoof" }, { AI_MANAGER_TASK_ID: "t1" });
    expect(env).toMatchObject({ EDITOR: "vi", AI_MANAGER_TASK_ID: "t1" });
  });
});
