/** PATH without the entries npm put in front of it for a package script run in `projectDir`. */
export declare function withoutNpmRunPath(pathValue: string | undefined, projectDir: string, env: Readonly<Record<string, string | undefined>>): string | undefined;
