# coreutils.sh - coreutils (and grep, sed, findutils, mawk) basics on files in /tmp.
# shells: bash
mkdir -p /tmp/cu/sub && cd /tmp/cu
seq 1 5 > numbers; seq 5 -1 1 >> numbers
sort -n numbers | uniq | tr '\n' ' '; echo
cut -d: -f1,3 /etc/passwd
printf 'b 2\na 1\nc 3\n' | sort -k2 -n | awk '{print $1}'
head -n 3 numbers; tail -n 2 numbers; wc -l numbers
cp numbers sub/copy; mv sub/copy sub/moved; ls sub; cmp numbers sub/moved && echo same
ln -s numbers link; readlink link; ls -l link | awk '{print $1, $NF}'
touch -d @0 old; stat -c '%s %Y %F' old numbers
chmod 640 old; stat -c %a old
echo hello | sed 's/l/L/g'; grep -n 3 numbers
find . -type f | sort
find . -name '*.txt' -o -name moved | xargs basename
date -u -d @86400 '+%Y-%m-%d %H:%M'
expr 6 \* 7; basename /a/b/c.sh .sh; dirname /a/b/c.sh
echo abc | md5sum; printf x | sha256sum
dd if=/dev/zero of=zeros bs=512 count=4 2>/dev/null; stat -c %s zeros
yes | head -3; env -i A=1 env; id -u; whoami; test -d sub && echo dir
cd /; rm -r /tmp/cu; ls /tmp/cu 2>&1 | sed 's/.*: //'
