# affinity.sh - util-linux's taskset and procps's ps -o psr: show, set and run with a CPU mask,
# the errors, and the CPU count that nproc (sched_getaffinity), /proc/cpuinfo and /proc/stat give.
# Right for any CPU count: both kernels boot with the same (NEST_SMP), so the masks agree, and
# what depends on the count itself is checked here and printed as words.
# shells: bash
cpus=$(nproc)   # before any taskset below: the shell may still run on every CPU
taskset -p $$
taskset -cp $$
# A bit per CPU, in hex: 2^cpus - 1, as 2 * 2^(cpus-1) - 1, which bash's 64-bit arithmetic gets right up to 64 CPUs
every=$(printf '%x' $(( (1 << (cpus - 1)) * 2 - 1 )))
[ "$(taskset -p $$)" = "pid $$'s current affinity mask: $every" ] && echo "the shell's mask: every CPU"
taskset -p 1 $$
taskset -cp 0 $$
[ "$(nproc)" = 1 ] && echo "nproc under taskset -cp 0: one CPU"
taskset -p 0 $$; echo "empty mask: status $?"
taskset -cp "$cpus" $$; echo "no such CPU: status $?"
taskset -p zz $$; echo "bad mask: status $?"
taskset -c 0 awk '{ print "field 39 under taskset -c 0:", $39 == 0 ? "cpu0" : $39 }' /proc/self/stat
taskset 1 /nonexistent; echo "status $?"
ps -o psr= -p $$ | awk '{ print "ps psr:", $1 == 0 ? "cpu0" : $1 }'
[ "$(grep -c '^processor' /proc/cpuinfo)" = "$cpus" ] && echo "cpuinfo: one block per CPU"
[ "$(grep -c '^cpu[0-9]' /proc/stat)" = "$cpus" ] && echo "stat: one cpuN line per CPU"
