import type { Command } from "commander";
import {
  createAccessToken,
  listAccessTokens,
  revokeAccessToken,
  rotateAccessToken,
} from "../../access/access-tokens.js";
import { ROLES, type Role, roleSchema } from "../../domain/roles.js";
import { ValidationError } from "../../errors.js";
import { auditedCli, type WithStore } from "../cli-audit.js";
import { type CliIo, cliActor, emit, type GlobalOptions } from "../cli-context.js";
import { formatTable } from "../format-table.js";

function parseRole(value: string | undefined): Role {
  const role = roleSchema.safeParse(value);
  if (!role.success) throw new ValidationError("role", ROLES.join(", "), value ?? "nothing");
  return role.data;
}

/**
 * `sentinel token create|list|revoke|rotate`: the control plane's named tokens, kept in the
 * store (so every control plane accepts them within its token refresh). The plain token is
 * printed once; only its hash is stored.
 */
export function registerTokenCommands(program: Command, io: CliIo, withStore: WithStore): void {
  const token = program.command("token").description("named control-plane tokens: viewer, operator or admin");

  token
    .command("create <name>")
    .description("a new token; prints it once")
    .requiredOption("--role <role>", `one of ${ROLES.join(", ")}`)
    .action((name: string, opts: { role: string }) =>
      withStore(program.opts(), async (store) => {
        const global = program.opts<GlobalOptions>();
        const role = parseRole(opts.role);
        const created = await auditedCli(io, global, store, { action: "token.create", target: name }, async () => {
          const made = await createAccessToken(store, { name, role, actor: cliActor(global) });
          return { name: made.record.name, role: made.record.role, secret: { token: made.token } };
        });
        emit(
          io,
          global,
          { name: created.name, role: created.role, token: created.secret.token },
          () => `created ${created.role} token ${created.name} (shown once; keep it secret):\n${created.secret.token}`,
        );
      }),
    );

  token
    .command("list")
    .description("tokens kept in the store (names, roles, who made them; never the tokens)")
    .action(() =>
      withStore(program.opts(), async (store) => {
        const tokens = (await listAccessTokens(store)).map(({ hash: _hash, ...t }) => t);
        emit(io, program.opts(), tokens, () =>
          formatTable(
            ["NAME", "ROLE", "CREATED", "BY"],
            tokens.map((t) => [t.name, t.role, new Date(t.createdAt).toISOString(), t.createdBy]),
          ),
        );
      }),
    );

  token
    .command("revoke <name>")
    .description("the token stops working and its sessions end")
    .action((name: string) =>
      withStore(program.opts(), async (store) => {
        const global = program.opts<GlobalOptions>();
        const revoked = await auditedCli(io, global, store, { action: "token.revoke", target: name }, () =>
          revokeAccessToken(store, name, cliActor(global)),
        );
        emit(io, global, { name: revoked.name, role: revoked.role }, () => `revoked ${revoked.name}`);
      }),
    );

  token
    .command("rotate <name>")
    .description("a new secret for the token (same name and role); the old one and its sessions end")
    .action((name: string) =>
      withStore(program.opts(), async (store) => {
        const global = program.opts<GlobalOptions>();
        const rotated = await auditedCli(io, global, store, { action: "token.rotate", target: name }, async () => {
          const made = await rotateAccessToken(store, name, cliActor(global));
          return { name: made.record.name, role: made.record.role, secret: { token: made.token } };
        });
        emit(
          io,
          global,
          { name: rotated.name, role: rotated.role, token: rotated.secret.token },
          () => `rotated ${rotated.name} (shown once; keep it secret):\n${rotated.secret.token}`,
        );
      }),
    );
}
