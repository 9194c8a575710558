#!/bin/sh
# Installs minimesos from this tarball on any Linux distribution (as root):
#   ./install.sh              binary, man page, bash completion; /etc/minimesos (env files and a token
#                             if absent); with systemd the three units (neither enabled nor started)
#   ./install.sh uninstall    removes what install put in place; keeps /etc/minimesos and /var/lib/minimesos
# Env: PREFIX (default /usr/local), DESTDIR (stage into a directory: no systemctl, no token).
# Needs glibc and OpenSSL 3 (libssl.so.3, loaded at run time).
set -eu
cd "$(dirname "$0")"
prefix="${PREFIX:-/usr/local}"
dest="${DESTDIR:-}"
units="minimesos-master.service minimesos-agent.service minimesos-tasks.service"
has_systemd() { [ -z "$dest" ] && [ -d /run/systemd/system ]; }
[ "$(id -u)" = 0 ] || [ -n "$dest" ] || { echo "install.sh: run as root" >&2; exit 1; }

if [ "${1:-install}" = uninstall ]; then
  if has_systemd; then systemctl disable --now $units 2>/dev/null || true; fi
  for u in $units; do rm -f "$dest/etc/systemd/system/$u"; done
  has_systemd && systemctl daemon-reload || true
  rm -f "$dest$prefix/bin/minimesos" "$dest$prefix/share/man/man1/minimesos.1.gz" \
    "$dest$prefix/share/bash-completion/completions/minimesos"
  echo "minimesos uninstalled; /etc/minimesos and /var/lib/minimesos are kept (delete them to purge)"
  exit 0
fi
[ "${1:-install}" = install ] || { echo "usage: $0 [install|uninstall]" >&2; exit 2; }

ssl=""
for f in /usr/lib/*/libssl.so.3 /usr/lib/libssl.so.3 /usr/lib64/libssl.so.3 /lib/*/libssl.so.3; do [ -e "$f" ] && ssl="$f"; done
[ -n "$ssl" ] || echo "install.sh: warning: no libssl.so.3 found; install OpenSSL 3 (minimesos loads it at run time)" >&2

install -d "$dest$prefix/bin" "$dest$prefix/share/man/man1" "$dest$prefix/share/bash-completion/completions" "$dest/etc/minimesos"
install -m 0755 bin/minimesos "$dest$prefix/bin/minimesos"
install -m 0644 share/man/man1/minimesos.1.gz "$dest$prefix/share/man/man1/"
install -m 0644 share/bash-completion/completions/minimesos "$dest$prefix/share/bash-completion/completions/"
for f in master.env agent.env; do
  # An existing file is the admin's: the new one goes beside it.
  if [ -e "$dest/etc/minimesos/$f" ]; then install -m 0644 "etc/$f" "$dest/etc/minimesos/$f.new"; else install -m 0644 "etc/$f" "$dest/etc/minimesos/$f"; fi
done
if [ -z "$dest" ] && [ ! -e /etc/minimesos/token ]; then
  (umask 077; head -c 32 /dev/urandom | base64 > /etc/minimesos/token.new && mv /etc/minimesos/token.new /etc/minimesos/token)
  echo "created /etc/minimesos/token (0600): copy it to every node of the cluster"
fi

if [ -n "$dest" ] || [ -d /run/systemd/system ]; then
  install -d "$dest/etc/systemd/system"
  for u in $units; do
    sed "s|/usr/bin/minimesos|$prefix/bin/minimesos|" "systemd/$u" > "$dest/etc/systemd/system/$u"
    chmod 0644 "$dest/etc/systemd/system/$u"
  done
  if has_systemd; then
    systemctl daemon-reload
    # An upgrade: units that run get the new binary; the agent reattaches the running tasks.
    systemctl try-restart minimesos-master.service minimesos-agent.service
  fi
  echo "installed $prefix/bin/minimesos and the units minimesos-master, minimesos-agent, minimesos-tasks."
  echo "Configure /etc/minimesos/master.env and agent.env, then: systemctl enable --now minimesos-master minimesos-agent"
else
  cat <<TEXT
installed $prefix/bin/minimesos (no systemd here: start it with your init system, as root).
Master:  set -a; . /etc/minimesos/master.env; set +a; exec $prefix/bin/minimesos master \$MINIMESOS_OPTS
Agent:   tasks need a cgroup v2 that holds no process, with cpu, memory and pids enabled for it, e.g.
           echo '+cpu +memory +pids' > /sys/fs/cgroup/cgroup.subtree_control; mkdir -p /sys/fs/cgroup/minimesos-tasks
         set -a; . /etc/minimesos/agent.env; set +a
         exec $prefix/bin/minimesos agent --cgroup-parent /minimesos-tasks \$MINIMESOS_OPTS
TEXT
fi
