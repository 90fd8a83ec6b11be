#ifndef CDT_CLIBPQ_SHIM_H
#define CDT_CLIBPQ_SHIM_H
// libpq's public header. pkg-config (libpq.pc) adds its include folder, /usr/include/postgresql on Debian.
#include <libpq-fe.h>
#endif
