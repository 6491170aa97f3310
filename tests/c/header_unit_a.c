/* The header compiles as C11 and as C++17 with -Wall -Wextra -Werror -pedantic, included twice
 * in one unit and from two units of one program (header_unit_b.c). */
#include "mpgs.h"
#include "mpgs.h"

#ifdef __cplusplus
extern "C"
#endif
const char *mpgs_test_unit_b_version(void);

int main(void) {
    mpgs_status s = MPGS_STATUS_OK;
    mpgs_stage st = MPGS_STAGE_NOT_SENT;
    mpgs_operation op = MPGS_OPERATION_CREATE_TOKEN;
    mpgs_field_error fe = {0, 0, 0};
    (void)st;
    (void)op;
    (void)fe;
    return (s == MPGS_STATUS_OK && mpgs_test_unit_b_version() == mpgs_version()) ? 0 : 1;
}
