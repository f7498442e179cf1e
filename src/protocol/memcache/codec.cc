#include "protocol/memcache/codec.h"
