/* Second unit of the header test program: see header_unit_a.c. */
#include "mpgs.h"
#include "mpgs.h"

#ifdef __cplusplus
extern "C"
#endif
const char *mpgs_test_unit_b_version(void);

const char *mpgs_test_unit_b_version(void) {
    return mpgs_version();
}
