# bash_features.sh - what a shell script uses: command substitution, pipes, redirections,
# here-documents, functions, arithmetic, exit statuses, background jobs and wait.
# shells: bash bash-static busybox
greet() { echo "hello, $1"; }
x=$(greet world | tr a-z A-Z)
echo "$x"
echo "nested: $(echo $(echo inner))"
echo one > /tmp/f; echo two >> /tmp/f; cat < /tmp/f
wc -l < /tmp/f
ls /no/such 2> /tmp/err; echo "status $?"; grep -c "No such" /tmp/err
cat <<END
here $((6 * 7))
END
printf '%s\n' c a b | sort | head -2
(exit 3); echo "subshell status $?"
false || echo "or runs"; true && echo "and runs"
sleep 0.2 & pid=$!
wait $pid; echo "waited for $pid: $?"
(sleep 0.1; exit 5) &
wait $!; echo "background status $?"
for i in 1 2 3; do echo -n "$i "; done; echo
i=0; while [ $i -lt 3 ]; do i=$((i + 1)); done; echo "i=$i"
case "abc" in a*) echo "case matched";; esac
set -- p q r; echo "$# args, second $2"
rm -f /tmp/f /tmp/err
