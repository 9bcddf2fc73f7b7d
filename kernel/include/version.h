/* version.h - what nest calls itself: uname(2) and /proc/sys/kernel show the same words.
 */
#ifndef NEST_VERSION_H
#define NEST_VERSION_H

#define UTS_SYSNAME "nest"
#define UTS_NODENAME "nest"
#define UTS_RELEASE "0.1"
#define UTS_VERSION "#1 nest teaching kernel"

#endif
