/* cellscape from C: open a store, look a cell up, query it as the reference
 * API's query() does (mean of the repeats at 108 epochs).
 *   cc query.c $(pkg-config --cflags --libs cellscape) -o query
 *   ./query nb101.store IM3M13O:100100100001100100111 */
#include <stdio.h>
#include <string.h>

#include <cs_store.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s STORE CELL\n", argv[0]);
        return 2;
    }
    cs_store *s = NULL;
    cs_query_result r;
    cs_error err;
    int failed = cs_store_open(&s, argv[1], &err) ||
                 cs_store_lookup(s, argv[2], strlen(argv[2]), &r, &err) ||
                 (r.index >= 0 &&
                  cs_store_query(s, &r, 108, false, CS_REPEAT_MEAN, 0, NULL, &err));
    if (failed)
        fprintf(stderr, "%s\n", err.msg);
    else if (r.index < 0)
        printf("%s: not in the dataset\n", r.hash);
    else
        printf("%s: mean test accuracy %.6f at 108 epochs\n", r.hash, r.test_accuracy);
    cs_store_close(s);
    return failed;
}
