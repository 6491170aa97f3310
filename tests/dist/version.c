/* Prints what the shipped library and its header say their version is: "LIBRARY HEADER". */
#include <mpgs.h>
#include <stdio.h>

int main(void) {
    printf("%s %d.%d.%d\n", mpgs_version(), MPGS_VERSION_MAJOR, MPGS_VERSION_MINOR, MPGS_VERSION_PATCH);
    return 0;
}
