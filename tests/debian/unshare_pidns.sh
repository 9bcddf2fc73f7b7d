# unshare_pidns.sh - util-linux: the seed's container case, a shell as PID 1 of a new PID
# namespace with its own /proc; then nsenter into it from outside.
# shells: bash
# needs: mount_ns
unshare --pid --fork --mount-proc bash -c 'echo "inside: pid $$"; sleep 100 & sleep 100 & ps; kill %1 %2; wait'
unshare --pid --fork --mount-proc sleep 100 &
sleep 0.5
target=$(pgrep -n -x sleep)
nsenter -t "$target" -p -m ps -o pid,comm
# unshare ignores SIGTERM while it waits; the namespace's init takes only SIGKILL from here.
kill -KILL "$target"; wait
