/* hog MIB: allocates and touches MIB mebibytes one at a time, reporting progress, so a memory
 * limit is hit by a native process (a .NET hog would get OutOfMemoryException from the GC instead). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    int total = argc > 1 ? atoi(argv[1]) : 128;
    for (int mib = 1; mib <= total; mib++) {
        char *block = malloc(1 << 20);
        if (block == NULL) {
            printf("hog: allocation failed at %d MiB\n", mib);
            return 2;
        }
        memset(block, 0x5a, 1 << 20);
        if (mib % 16 == 0) {
            printf("hog: %d MiB\n", mib);
            fflush(stdout);
        }
    }
    printf("hog: kept all %d MiB\n", total);
    return 0;
}
