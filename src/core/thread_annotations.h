// Lock annotations (checked by clang's -Wthread-safety, documentation under g++).
#pragma once

#if defined(__clang__)
#define CK_GUARDED_BY(x) __attribute__((guarded_by(x)))
#define CK_REQUIRES(...) __attribute__((requires_capability(__VA_ARGS__)))
#define CK_EXCLUDES(...) __attribute__((locks_excluded(__VA_ARGS__)))
#else
#define CK_GUARDED_BY(x)
#define CK_REQUIRES(...)
#define CK_EXCLUDES(...)
#endif
