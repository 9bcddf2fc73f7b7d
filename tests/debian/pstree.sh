# pstree.sh - psmisc pstree -p over a shell with a background job and a subshell.
# shells: bash bash-static busybox
sleep 100 &
# The subshell passes a SIGTERM on to its sleep, which would otherwise outlive it and show
# in the next script's tree.
(trap 'kill $child; exit' TERM; sleep 100 & child=$!; wait) &
# Wait for the subshell's child to become sleep (until then it is a copy of the shell).
until [ "$(pstree -lp 1 | grep -o 'sleep(' | wc -l)" = 2 ]; do sleep 0.1; done
pstree -lp 1
kill %1 %2
wait
