#include <stdio.h>

int main(void) {
    puts("hello from the container");
    return 0;
}
