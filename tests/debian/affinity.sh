# affinity.sh - util-linux's taskset and procps's ps -o psr: show, set and run with a CPU mask,
# the errors, and the CPU count that nproc (sched_getaffinity), /proc/cpuinfo and /proc/stat give.
# shells: bash
taskset -p $$
taskset -cp $$
taskset -p 1 $$
taskset -cp 0 $$
taskset -p 0 $$; echo "empty mask: status $?"
taskset -cp 63 $$; echo "no such CPU: status $?"
taskset -p zz $$; echo "bad mask: status $?"
taskset -c 0 awk '{ print "field 39 under taskset -c 0:", $39 == 0 ? "cpu0" : $39 }' /proc/self/stat
taskset 1 /nonexistent; echo "status $?"
ps -o psr= -p $$ | awk '{ print "ps psr:", $1 == 0 ? "cpu0" : $1 }'
cpus=$(nproc)
[ "$(grep -c '^processor' /proc/cpuinfo)" = "$cpus" ] && echo "cpuinfo: one block per CPU"
[ "$(grep -c '^cpu[0-9]' /proc/stat)" = "$cpus" ] && echo "stat: one cpuN line per CPU"
