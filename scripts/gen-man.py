#!/usr/bin/env python3
"""Writes the man pages gatehouse(8) and gatehouse.ini(5) from the binary's own
words, so they cannot drift from it: gatehouse(8) walks `gatehouse --help`
and every command's `--help` (the command table of src/cli), gatehouse.ini(5)
reads `gatehouse config doc` (the table of settings, src/core/config_keys.c).

usage: scripts/gen-man.py BIN OUTDIR"""
import re
import subprocess
import sys

FOOTER_SECTIONS = {
    "8": """.SH EXIT STATUS
0 on success, 2 on a usage error (unknown option or command, missing or
malformed value), 1 on any other error, with one line on standard error.
.SH SIGNALS
.TP
.B SIGINT, SIGTERM
.B serve
and
.B gateway
stop gracefully: requests received are answered, then the process exits 0.
.TP
.B SIGHUP
reloads what can be reloaded without a restart: log_format and log_level
(from the configuration file and the environment) and, for
.BR serve ,
the signing keys; one log line names what was reloaded.
.PP
Under systemd (Type=notify) both servers report READY=1, RELOADING=1 and
STOPPING=1 to NOTIFY_SOCKET.
.SH ENVIRONMENT
.TP
.B GATEHOUSE_DB
the database URL (as --db).
.TP
.B GATEHOUSE_<KEY>, GATEHOUSE_GATEWAY_<KEY>
any setting of gatehouse.ini(5).
.TP
.B NOTIFY_SOCKET
where to send sd_notify(3) states, set by systemd.
.SH FILES
.TP
.I /etc/gatehouse/gatehouse.ini
the configuration of the packaged services.
.TP
.I /var/lib/gatehouse
their state: the SQLite databases.
.SH SEE ALSO
gatehouse.ini(5), systemd.service(5), pg_dump(1)
""",
    "5": """.SH FILES
.TP
.I /etc/gatehouse/gatehouse.ini
the configuration of the packaged services.
.SH SEE ALSO
gatehouse(8)
""",
}


def run(bin_, *args):
    return subprocess.run([bin_, *args], check=True, capture_output=True, text=True).stdout


def esc(text):
    """Text safe in a roff line: backslashes doubled, leading dots and quotes guarded."""
    text = text.replace("\\", "\\e")
    return "\n".join(("\\&" + l if l.startswith((".", "'")) else l) for l in text.split("\n"))


def commands(help_text):
    """The command names a group's help lists under 'Commands:'."""
    m = re.search(r"^Commands:\n((?:  \S.*\n)+)", help_text, re.M)
    return [line.split()[0] for line in m.group(1).splitlines()] if m else []


def own_part(help_text):
    """A help text without the global options every command repeats."""
    return help_text.split("\nGlobal options")[0].rstrip("\n")


def walk(bin_, path, out):
    text = run(bin_, *path, "--help")
    subs = commands(text)
    if path and not subs:
        out.append((" ".join(path), own_part(text)))
    for name in subs:
        walk(bin_, path + [name], out)


def page_8(bin_, version):
    root = run(bin_, "--help")
    leaves = []
    walk(bin_, [], leaves)
    global_opts = root.split("Global options (also accepted before the command):\n")[1]
    lines = [
        f'.TH GATEHOUSE 8 "" "gatehouse {version}" "System Administration"',
        ".SH NAME",
        "gatehouse \\- OAuth 2.0 / OpenID Connect server, social-login gateway and their administration",
        ".SH SYNOPSIS",
        ".B gatehouse",
        "[\\fB\\-\\-db\\fR \\fIURL\\fR] [\\fB\\-\\-config\\fR \\fIFILE\\fR] [\\fB\\-\\-create\\fR] \\fICOMMAND\\fR [\\fIARGS\\fR]",
        ".br",
        ".B gatehouse \\-\\-version",
        ".SH DESCRIPTION",
        "One program: the authorization server (\\fBserve\\fR), the social-login gateway",
        "(\\fBgateway\\fR) and the commands that administer them. Every command has",
        "\\fB\\-\\-help\\fR. Settings come from the INI file given with \\fB\\-\\-config\\fR",
        "(gatehouse.ini(5)), then GATEHOUSE_* environment variables, then flags.",
        ".SH GLOBAL OPTIONS",
        ".nf",
        esc(global_opts.rstrip("\n")),
        "  --version       print the version and the git commit it was built from",
        ".fi",
        ".SH COMMANDS",
    ]
    for name, text in leaves:
        lines += [f".SS gatehouse {esc(name)}", ".nf", esc(text), ".fi"]
    return "\n".join(lines) + "\n" + FOOTER_SECTIONS["8"]


def cells(row):
    parts = re.split(r"(?<!\\)\|", row.strip())[1:-1]
    return [p.strip().replace("\\|", "|") for p in parts]


def inline(md):
    """Markdown `code` as bold, the rest escaped."""
    return re.sub(r"`([^`]*)`", lambda m: "\\fB" + m.group(1) + "\\fR", esc(md))


def page_5(bin_, version):
    doc = run(bin_, "config", "doc")
    lines = [
        f'.TH GATEHOUSE.INI 5 "" "gatehouse {version}" "File Formats"',
        ".SH NAME",
        "gatehouse.ini \\- configuration of the gatehouse authorization server and gateway",
        ".SH DESCRIPTION",
    ]
    intro, _, rest = doc.partition("\n## ")
    body = re.sub(r"<!--.*?-->", "", intro.split("\n", 1)[1], flags=re.S).strip()
    lines.append(inline(body.replace("\n\n", "\n.PP\n")))
    for section in ("## " + rest).split("\n## ")[0:]:
        section = section.removeprefix("## ")
        title, _, content = section.partition("\n")
        lines += [f".SH {esc(title)}"]
        for line in content.strip().splitlines():
            if not line.startswith("|"):
                lines.append(inline(line) if line.strip() else ".PP")
                continue
            c = cells(line)
            if c[0] in ("key", "---"):
                continue
            key, default, accepts, env, help_ = c
            lines += [".TP", inline(key), inline(help_)]
            facts = [f"accepts {accepts}"] + ([f"default {default}"] if default else []) + (
                [f"environment {env}"] if env else [])
            lines += [".br", inline("; ".join(facts))]
    return "\n".join(lines) + "\n" + FOOTER_SECTIONS["5"]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.split("\n\n")[1])
    bin_, outdir = sys.argv[1:]
    version = run(bin_, "--version").split()[1]
    with open(f"{outdir}/gatehouse.8", "w") as f:
        f.write(page_8(bin_, version))
    with open(f"{outdir}/gatehouse.ini.5", "w") as f:
        f.write(page_5(bin_, version))


if __name__ == "__main__":
    main()
