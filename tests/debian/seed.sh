# seed.sh - the article's commands, natively: two background sleeps, then ps sees them.
# shells: bash bash-static busybox
# needs: proc_tty
sleep 100 &
sleep 100 &
ps
ps | grep "[s]leep"   # the bracket keeps grep itself out, on any timing
kill %1 %2
wait
echo "after wait: $(ps | grep -c sleep) sleeps"
