#pragma once

// Memcached text and meta protocol framing (pure functions over bytes).
namespace lumadb::protocol::memcache {}
