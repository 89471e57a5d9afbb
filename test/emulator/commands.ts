/**
 * Console commands of one machine: `RegisterCommand` handlers with their `restricted` flag (ref §1.5), removed when
 * the resource that registered them stops.
 */

export type CommandHandler = (source: number, args: string[], raw: string) => unknown;

interface Command {
  handler: CommandHandler;
  restricted: boolean;
  resource: string;
}

export class CommandRegistry {
  private readonly commands = new Map<string, Command>();

  register(name: string, handler: CommandHandler, restricted: boolean, resource: string): void {
    this.commands.set(name.toLowerCase(), { handler, restricted, resource });
  }

  get(name: string): Command | undefined {
    return this.commands.get(name.toLowerCase());
  }

  removeResource(resource: string): void {
    for (const [name, cmd] of this.commands) if (cmd.resource === resource) this.commands.delete(name);
  }
}

/** Splits a console line into words, honouring double quotes as the FXServer console does. */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) words.push(m[1] ?? m[2]);
  return words;
}
