// A shared library named like a plugin but without the entry point.
extern "C" __attribute__((visibility("default"))) int something_else(void) { return 42; }
