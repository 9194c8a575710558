# Sourced by the labs whose masters keep their data dirs in $T/d<N>: ca_sync puts every master's current cluster CA
# (each writes DATA_DIR/ca.pem once the cluster has elected its first leader; a wiped and restored cluster changes it)
# into one bundle, $T/ca.pem, rebuilt on each call; it fails while no master has written one yet.
ca_sync() {
  local new="$T/ca.pem.$BASHPID"; cat "$T"/d*/ca.pem >"$new" 2>/dev/null || true
  [ -s "$new" ] && mv "$new" "$T/ca.pem" || { rm -f "$new"; false; }
}
