# ps_formats.sh - procps ps in the formats people use, with two sleeps to show.
# shells: bash
# needs: proc_stat proc_tty
sleep 100 &
sleep 100 &
ps -ef
ps aux
ps -o pid,ppid,stat,tty,comm
kill %1 %2
wait
