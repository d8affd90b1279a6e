import { randomUUID } from "node:crypto";
import { asc, eq, ne } from "drizzle-orm";
import { AppError, validationError } from "../../lib/errors";
import { AGENT_CLIS, type BuiltinAgentKind } from "../../lib/agent-clis";
import { profileInputSchema } from "../../lib/schemas/profile-schemas";
import type { Db } from "../db/open-database";
import { cliProfiles, type CliProfile } from "../db/schema";

export const CLAUDE_PROFILE_NAME = "Claude Code";
export const SHELL_PROFILE_NAME = "Shell";

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string })?.code === "SQLITE_CONSTRAINT_UNIQUE";
}

export class ProfileService {
  constructor(
    private readonly db: Db,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  /** First start: Claude Code (active) and a plain Shell. Does nothing once any profile exists. */
  seedDefaults(): void {
    this.db.transaction((tx) => {
      const existing = tx.select({ id: cliProfiles.id }).from(cliProfiles).limit(1).all();
      if (existing.length > 0) return;
      tx.insert(cliProfiles)
        .values([
          {
            id: randomUUID(),
            name: CLAUDE_PROFILE_NAME,
            kind: "claude",
            command: "claude",
            args: ["{prompt}"],
            env: {},
            promptDelivery: "args",
            isActive: true,
          },
          {
            id: randomUUID(),
            name: SHELL_PROFILE_NAME,
            kind: "shell",
            command: this.env.SHELL || "/bin/bash",
            args: [],
            env: {},
            promptDelivery: "type",
            isActive: false,
          },
        ])
        .run();
    });
  }

  /**
   * The profile for a built-in agent CLI (agent-clis.ts): an existing one of that kind — the
   * active one first, else the oldest — or a new one with the CLI's defaults.
   */
  ensureBuiltin(kind: BuiltinAgentKind): CliProfile {
    const existing = this.list().filter((profile) => profile.kind === kind);
    const found = existing.find((profile) => profile.isActive) ?? existing[0];
    if (found) return found;
    const cli = AGENT_CLIS[kind];
    const taken = new Set(this.list().map((profile) => profile.name.toLowerCase()));
    let name = cli.label;
    for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${cli.label} (${n})`;
    return this.create({ name, kind, command: cli.binary, args: [...cli.args], env: {}, promptDelivery: cli.promptDelivery });
  }

  list(): CliProfile[] {
    return this.db.select().from(cliProfiles).orderBy(asc(cliProfiles.createdAt), asc(cliProfiles.name)).all();
  }

  find(id: string): CliProfile | undefined {
    return this.db.select().from(cliProfiles).where(eq(cliProfiles.id, id)).get();
  }

  get(id: string): CliProfile {
    const profile = this.find(id);
    if (!profile) throw new AppError("not_found:profile", `No CLI profile with id ${id}`);
    return profile;
  }

  /** A profile by id or by name (case-insensitive), for API callers that know only the name. */
  resolve(idOrName: string): CliProfile {
    const byId = this.find(idOrName);
    if (byId) return byId;
    const wanted = idOrName.trim();
    const all = this.list();
    const exact = all.find((p) => p.name === wanted);
    if (exact) return exact;
    const byName = all.filter((p) => p.name.toLowerCase() === wanted.toLowerCase());
    if (byName.length === 0) throw new AppError("not_found:profile", `No CLI profile named or with id "${idOrName}"`);
    // Names are unique apart from case since this check; a database from before may hold both.
    if (byName.length > 1) {
      throw new AppError("bad_request:profile", `Several CLI profiles are named "${wanted}" apart from case (${byName.map((p) => `"${p.name}"`).join(", ")}): give the exact name or the id.`);
    }
    return byName[0]!;
  }

  getActive(): CliProfile {
    const active = this.db.select().from(cliProfiles).where(eq(cliProfiles.isActive, true)).get();
    if (active) return active;
    const first = this.list()[0];
    if (!first) throw new AppError("not_found:profile", "No CLI profile exists; create one in Settings");
    return first;
  }

  create(input: unknown): CliProfile {
    const parsed = profileInputSchema.safeParse(input);
    if (!parsed.success) throw validationError("profile", parsed.error.issues);
    this.refuseNameClash(parsed.data.name);
    const id = randomUUID();
    try {
      this.db
        .insert(cliProfiles)
        .values({ id, ...parsed.data, isActive: false })
        .run();
    } catch (error) {
      if (isUniqueViolation(error)) throw this.duplicateName(parsed.data.name);
      throw error;
    }
    return this.get(id);
  }

  update(id: string, input: unknown): CliProfile {
    this.get(id);
    const parsed = profileInputSchema.safeParse(input);
    if (!parsed.success) throw validationError("profile", parsed.error.issues);
    this.refuseNameClash(parsed.data.name, id);
    try {
      this.db
        .update(cliProfiles)
        .set({ ...parsed.data, updatedAt: new Date() })
        .where(eq(cliProfiles.id, id))
        .run();
    } catch (error) {
      if (isUniqueViolation(error)) throw this.duplicateName(parsed.data.name);
      throw error;
    }
    return this.get(id);
  }

  /** Exactly one profile is active afterwards: the database's partial unique index backs this up. */
  setActive(id: string): CliProfile {
    this.db.transaction((tx) => {
      const target = tx.select({ id: cliProfiles.id }).from(cliProfiles).where(eq(cliProfiles.id, id)).get();
      if (!target) throw new AppError("not_found:profile", `No CLI profile with id ${id}`);
      tx.update(cliProfiles).set({ isActive: false }).where(ne(cliProfiles.id, id)).run();
      tx.update(cliProfiles).set({ isActive: true, updatedAt: new Date() }).where(eq(cliProfiles.id, id)).run();
    });
    return this.get(id);
  }

  /** The last profile cannot go; deleting the active one makes the oldest remaining one active. */
  delete(id: string): void {
    this.db.transaction((tx) => {
      const target = tx.select().from(cliProfiles).where(eq(cliProfiles.id, id)).get();
      if (!target) throw new AppError("not_found:profile", `No CLI profile with id ${id}`);
      const others = tx.select().from(cliProfiles).where(ne(cliProfiles.id, id)).orderBy(asc(cliProfiles.createdAt)).all();
      if (others.length === 0) {
        throw new AppError("conflict:profile", "The last CLI profile cannot be deleted; create another one first");
      }
      tx.delete(cliProfiles).where(eq(cliProfiles.id, id)).run();
      if (target.isActive) {
        tx.update(cliProfiles).set({ isActive: true }).where(eq(cliProfiles.id, others[0]!.id)).run();
      }
    });
  }

  /**
   * The API and MCP take a profile by name, case-insensitively: "dup" and "DUP" side by side
   * made one of them unreachable, silently. (The index only refuses the exact same name.)
   */
  private refuseNameClash(name: string, ownId?: string): void {
    const clash = this.list().find((p) => p.id !== ownId && p.name.toLowerCase() === name.toLowerCase());
    if (clash) throw this.duplicateName(clash.name);
  }

  private duplicateName(name: string): AppError {
    return new AppError("conflict:profile", `A profile named "${name}" already exists`, {
      name: `A profile named "${name}" already exists`,
    });
  }
}
