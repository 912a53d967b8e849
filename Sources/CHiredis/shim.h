#ifndef REVO_CHIREDIS_SHIM_H
#define REVO_CHIREDIS_SHIM_H
// Debian's libhiredis-dev (0.14, RESP2) installs its headers under hiredis/.
#include <hiredis/hiredis.h>
#endif
