#!/usr/bin/env bash
# Writes minimesos(1) in roff to stdout, made from the binary's own --help texts (the top level and each
# command), so the page never drifts from the program: packaging/make-manpage.sh BINARY [DATE]
# BINARY must run on this host (for a cross-built package, the native build of the same source).
set -euo pipefail
bin="$1"
date="${2:-$(date -u +%Y-%m-%d)}"
version="$("$bin" --version | sed 's/+.*//')"

# roff-safe text: backslashes doubled, hyphens as \-, a leading dot or quote protected.
esc() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

# The body of a --help text: "Usage:" / "Options:" ... sections as .SS blocks, their lines kept as written.
section() {
  awk '
    /^Description:$/ { desc = 1; next }
    /^[A-Za-z][A-Za-z ]*:$/ { desc = 0; if (open) print ".fi"; sub(/:$/, ""); print ".PP\n.B " $0; print ".nf"; open = 1; next }
    /^ *$/ { if (desc) print ".PP"; next }
    { sub(/^  /, ""); print }
    END { if (open) print ".fi" }' | esc_keep_macros
}
# Escape everything but the macro lines section() inserted.
esc_keep_macros() {
  while IFS= read -r line; do
    case "$line" in
      .PP|.nf|.fi|".B "*) printf '%s\n' "$line" ;;
      *) printf '%s\n' "$line" | esc ;;
    esac
  done
}

top="$("$bin" --help)"
commands="$(awk '/^Commands:/{on=1; next} on && /^  [a-z]/{print $1}' <<<"$top")"
description="$(awk '/^Description:/{on=1; next} /^$/{if (on) exit} on{sub(/^ +/, ""); print}' <<<"$top")"

cat <<ROFF
.TH MINIMESOS 1 "$date" "minimesos $version" "User Commands"
.SH NAME
minimesos \\- single\\-binary cluster manager: masters, agents and tasks for edge and small clusters
.SH SYNOPSIS
.B minimesos
.I command
.RI [ options ]
.SH DESCRIPTION
$(esc <<<"$description" | sed 's/^$/.PP/')
.PP
The sections below are the program's own \\fB\\-\\-help\\fR texts.
.SH COMMANDS
ROFF
for c in $commands; do
  echo ".SS \"minimesos $c\""
  "$bin" "$c" --help | section
done
cat <<'ROFF'
.SH ENVIRONMENT
.TP
.B MINIMESOS_TOKEN_FILE\fR, \fBMINIMESOS_TOKEN
The cluster token (a file is better: arguments show up in \fBps\fR).
.TP
.B MINIMESOS_MASTER
Agents: the masters' cluster ports; the CLI: a master's HTTP API.
.TP
.B MINIMESOS_CLUSTER\fR, \fBMINIMESOS_JOIN\fR, \fBMINIMESOS_LISTEN\fR, \fBMINIMESOS_DATA_DIR\fR, \fBMINIMESOS_WORK_DIR\fR, \fBMINIMESOS_READ_TOKEN_FILE
See the options of the same name above.
.TP
.B MINIMESOS_CONFIG
The CLI's config file (default \fI~/.config/minimesos/config\fR).
.SH FILES
.TP
.I /etc/minimesos/master.env\fR, \fI/etc/minimesos/agent.env
Environment of the \fBminimesos\-master\fR and \fBminimesos\-agent\fR systemd units; extra flags go in
\fBMINIMESOS_OPTS\fR.
.TP
.I /etc/minimesos/token
The cluster token (mode 0600), the same on every node.
.TP
.I /var/lib/minimesos/master\fR, \fI/var/lib/minimesos/agent
The master's Raft log and state; the agent's task sandboxes and state.
.SH EXIT STATUS
0 success, 1 runtime error, 2 usage error;
.B run
exits with the task's exit code, or 128+N when signal N ended it.
ROFF
