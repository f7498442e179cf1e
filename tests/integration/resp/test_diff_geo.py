"""Differential test for the geo commands against Debian's redis-server.

A few hundred points (real cities, random points anywhere, near the poles and
the antimeridian, on the coordinate limits, a dense cluster with duplicated
positions so that distances tie) are loaded with GEOADD, then every command
and option combination is run on both servers, in RESP2 and RESP3, and the
replies are compared exactly: member sets, order, distances, hashes and
coordinates. Only COUNT n ANY without ASC/DESC is compared sorted (Redis
leaves that order open). STORE/STOREDIST results are read back with ZRANGE
WITHSCORES."""
import os
import random
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import harness  # noqa: E402
from harness import NOCMP, SORT  # noqa: E402

LAT_MAX = 85.05112878

CITIES = [
    ("Palermo", 13.361389, 38.115556), ("Catania", 15.087269, 37.502669), ("Rome", 12.496366, 41.902782),
    ("Paris", 2.352222, 48.856613), ("London", -0.127758, 51.507351), ("Berlin", 13.404954, 52.520008),
    ("Madrid", -3.703790, 40.416775), ("Lisbon", -9.139337, 38.722252), ("Reykjavik", -21.817439, 64.126521),
    ("Oslo", 10.752245, 59.913869), ("Helsinki", 24.938379, 60.169857), ("Moscow", 37.617300, 55.755826),
    ("Istanbul", 28.978359, 41.008238), ("Cairo", 31.235712, 30.044420), ("Nairobi", 36.821946, -1.292066),
    ("CapeTown", 18.424055, -33.924869), ("Lagos", 3.379206, 6.524379), ("Dubai", 55.270783, 25.204849),
    ("Mumbai", 72.877656, 19.075984), ("Delhi", 77.102490, 28.704060), ("Singapore", 103.819836, 1.352083),
    ("Jakarta", 106.845599, -6.208763), ("Bangkok", 100.501765, 13.756331), ("Beijing", 116.407396, 39.904200),
    ("Shanghai", 121.473701, 31.230416), ("Tokyo", 139.691706, 35.689487), ("Seoul", 126.977969, 37.566535),
    ("Sydney", 151.209296, -33.868820), ("Auckland", 174.763332, -36.848460), ("Suva", 178.441895, -18.141600),
    ("Apia", -171.751990, -13.759029), ("Honolulu", -157.858333, 21.306944), ("Anchorage", -149.900280, 61.218056),
    ("Vancouver", -123.120738, 49.282729), ("SanFrancisco", -122.419416, 37.774929), ("LosAngeles", -118.243685, 34.052234),
    ("Denver", -104.990251, 39.739236), ("Chicago", -87.629798, 41.878114), ("NewYork", -74.005973, 40.712775),
    ("MexicoCity", -99.133208, 19.432608), ("Bogota", -74.072092, 4.710989), ("Lima", -77.042793, -12.046374),
    ("Santiago", -70.669265, -33.448890), ("BuenosAires", -58.381559, -34.603684), ("SaoPaulo", -46.633309, -23.550520),
    ("Ushuaia", -68.302951, -54.801912), ("McMurdo", 166.668235, -77.846323), ("Longyearbyen", 15.633333, 78.216667),
    ("Alert", -62.350000, 82.500000), ("Nuuk", -51.721570, 64.181410), ("Tromso", 18.955324, 69.649205),
    ("Anadyr", 177.508924, 64.733000), ("Kamchatka", 158.650000, 53.016667), ("Fiji", -179.9, -16.5),
]


def fmt(x, rng):
    """Coordinates written in a few ways a client might send them."""
    style = rng.randrange(3)
    if style == 0:
        return repr(x)
    if style == 1:
        return "%.6f" % x
    return "%.12g" % x


def make_points():
    rng = random.Random(0x6E0)
    pts = [(name, repr(lon), repr(lat)) for name, lon, lat in CITIES]
    for i in range(140):
        pts.append(("r%d" % i, fmt(rng.uniform(-180, 180), rng), fmt(rng.uniform(-LAT_MAX, LAT_MAX), rng)))
    for i in range(30):
        lat = rng.uniform(80, LAT_MAX) * (1 if i % 2 else -1)
        pts.append(("pole%d" % i, fmt(rng.uniform(-180, 180), rng), fmt(lat, rng)))
    for i in range(30):
        lon = rng.uniform(179, 180) * (1 if i % 2 else -1)
        pts.append(("anti%d" % i, fmt(lon, rng), fmt(rng.uniform(-70, 70), rng)))
    limits = [("180", "0"), ("-180", "0"), ("0", "85.05112878"), ("0", "-85.05112878"), ("180", "85.05112878"),
              ("-180", "-85.05112878"), ("180", "-85.05112878"), ("-180", "85.05112878"), ("0", "0"),
              ("179.9999999", "85.0511287"), ("-179.9999999", "-85.0511287"), ("0.0000001", "-0.0000001")]
    for i, (lon, lat) in enumerate(limits):
        pts.append(("lim%d" % i, lon, lat))
    # A dense cluster around Rome where every position is held by 4 members:
    # distances tie, which exercises Redis's sort and partial sort orders.
    for i in range(30):
        lon = 12.4964 + rng.uniform(-0.02, 0.02)
        lat = 41.9028 + rng.uniform(-0.02, 0.02)
        for j in range(4):
            pts.append(("c%d_%d" % (i, j), repr(lon), repr(lat)))
    # Members named as numbers, an empty name and binary bytes.
    pts += [("12345", "12.5", "41.9"), ("", "12.49", "41.89"), ("b\x00\xff", "12.51", "41.91"), ("-3.5", "12.5", "41.91")]
    return pts


POINTS = make_points()
MEMBERS = [p[0] for p in POINTS]

# Centres for the searches: cities, random places, poles, antimeridian, limits.
def make_centres():
    rng = random.Random(0xCE)
    cs = [(repr(lon), repr(lat)) for _, lon, lat in CITIES[::3]]
    cs += [(fmt(rng.uniform(-180, 180), rng), fmt(rng.uniform(-LAT_MAX, LAT_MAX), rng)) for _ in range(10)]
    cs += [("0", "85.05112878"), ("0", "-85.05112878"), ("180", "0"), ("-180", "0"), ("179.99", "-16.5"),
           ("-179.95", "64.7"), ("12.4964", "41.9028"), ("12.5", "41.9"), ("180", "85.05112878"),
           ("-180", "-85.05112878"), ("45", "84.9"), ("-120", "-84.99"), ("0", "0"), ("90", "66.5"), ("-90", "-80.5")]
    return cs


CENTRES = make_centres()
RADII = [("0", "m"), ("1", "km"), ("3", "km"), ("150", "km"), ("900", "mi"), ("5000", "km"), ("20000", "km"),
         ("100000", "ft"), ("2500", "KM"), ("0.5", "Mi"), ("40000", "km")]
BOXES = [("0", "0", "m"), ("2", "3", "km"), ("500", "200", "km"), ("3000", "3000", "mi"), ("40000", "1000", "km"),
         ("100", "18000", "km"), ("1000000", "500000", "ft"), ("20000", "20000", "km")]
OPTIONS = [
    (), ("WITHDIST",), ("WITHCOORD",), ("WITHHASH",), ("WITHDIST", "WITHHASH", "WITHCOORD"), ("ASC",), ("DESC",),
    ("ASC", "WITHDIST"), ("DESC", "WITHCOORD", "WITHDIST"), ("COUNT", "1"), ("COUNT", "3"), ("COUNT", "5", "DESC"),
    ("COUNT", "17", "WITHDIST"), ("COUNT", "45", "ASC", "WITHHASH"), ("COUNT", "100", "DESC", "WITHDIST"),
    ("COUNT", "1000", "WITHCOORD"), ("COUNT", "2", "ANY"), ("COUNT", "9", "ANY", "WITHDIST"),
    ("COUNT", "4", "ANY", "ASC", "WITHDIST"), ("COUNT", "30", "ANY", "DESC"), ("withdist", "asc", "count", "8"),
    ("WITHCOORD", "WITHCOORD", "ASC", "DESC"), ("COUNT", "3", "COUNT", "6", "ASC"),
]


def flags_for(opts):
    """SORT where Redis leaves the order open: COUNT ... ANY without ASC/DESC."""
    up = [o.upper() for o in opts]
    if "ANY" in up and "ASC" not in up and "DESC" not in up:
        return (SORT,)
    return ()


def load_script():
    s = [("FLUSHALL", NOCMP)]
    for i in range(0, len(POINTS), 37):
        args = ["GEOADD", "geo"]
        for name, lon, lat in POINTS[i:i + 37]:
            args += [lon, lat, name]
        s.append(tuple(args))
    s.append(("ZCARD", "geo"))
    s.append(("ZRANGE", "geo", "0", "-1", "WITHSCORES"))
    return s


def read_script():
    s = []
    for i in range(0, len(MEMBERS), 25):
        chunk = MEMBERS[i:i + 25]
        s.append(("GEOPOS", "geo") + tuple(chunk) + ("nosuchmember",))
        s.append(("GEOHASH", "geo") + tuple(chunk) + ("nosuchmember",))
        s.append(("ZMSCORE", "geo") + tuple(chunk))
    rng = random.Random(0xD1)
    units = ["m", "km", "ft", "mi", "KM", "Ft"]
    for _ in range(150):
        a, b = rng.choice(MEMBERS), rng.choice(MEMBERS)
        if rng.random() < 0.3:
            s.append(("GEODIST", "geo", a, b))
        else:
            s.append(("GEODIST", "geo", a, b, rng.choice(units)))
    s += [("GEODIST", "geo", "Palermo", "Palermo"), ("GEODIST", "geo", "Palermo", "nosuch"),
          ("GEODIST", "geo", "lim0", "lim1", "km"), ("GEODIST", "geo", "lim2", "lim3", "mi"),
          ("GEODIST", "nokey", "a", "b"), ("GEODIST", "nokey", "a", "b", "parsec"), ("GEOPOS", "nokey", "a", "b"),
          ("GEOHASH", "nokey", "a"), ("GEOPOS", "geo"), ("GEOHASH", "geo")]
    return s


def search_script():
    rng = random.Random(0x5EA)
    s = []
    for lon, lat in CENTRES:
        for radius, unit in RADII:
            for opts in rng.sample(OPTIONS, 3) + [("WITHDIST", "WITHHASH", "WITHCOORD", "ASC")]:
                s.append(("GEORADIUS", "geo", lon, lat, radius, unit) + opts + flags_for(opts))
            opts = rng.choice(OPTIONS)
            s.append(("GEORADIUS_RO", "geo", lon, lat, radius, unit) + opts + flags_for(opts))
            opts = rng.choice(OPTIONS)
            s.append(("GEOSEARCH", "geo", "FROMLONLAT", lon, lat, "BYRADIUS", radius, unit) + opts + flags_for(opts))
        for w, h, unit in BOXES:
            for opts in rng.sample(OPTIONS, 2) + [("WITHDIST", "WITHCOORD", "ASC")]:
                s.append(("GEOSEARCH", "geo", "FROMLONLAT", lon, lat, "BYBOX", w, h, unit) + opts + flags_for(opts))
    centre_members = ["Palermo", "Rome", "Sydney", "Suva", "Apia", "McMurdo", "Alert", "Longyearbyen", "pole0",
                      "pole1", "anti0", "anti1", "lim0", "lim1", "lim2", "lim3", "lim4", "lim8", "c0_0", "c7_2",
                      "c29_3", "r0", "r77", "", "12345", "b\x00\xff"]
    for m in centre_members:
        for radius, unit in rng.sample(RADII, 5):
            opts = rng.choice(OPTIONS)
            s.append(("GEORADIUSBYMEMBER", "geo", m, radius, unit) + opts + flags_for(opts))
            opts = rng.choice(OPTIONS)
            s.append(("GEORADIUSBYMEMBER_RO", "geo", m, radius, unit) + opts + flags_for(opts))
            opts = rng.choice(OPTIONS)
            s.append(("GEOSEARCH", "geo", "FROMMEMBER", m, "BYRADIUS", radius, unit) + opts + flags_for(opts))
        for w, h, unit in rng.sample(BOXES, 3):
            opts = rng.choice(OPTIONS)
            s.append(("GEOSEARCH", "geo", "FROMMEMBER", m, "BYBOX", w, h, unit) + opts + flags_for(opts))
    # The dense cluster: many equal distances, full and partial sorts.
    for count in ["1", "2", "3", "4", "6", "7", "8", "13", "39", "40", "41", "42", "60", "119", "120", "121", "500"]:
        for order in ["ASC", "DESC"]:
            s.append(("GEORADIUS", "geo", "12.4964", "41.9028", "3", "km", "COUNT", count, order, "WITHDIST"))
            s.append(("GEOSEARCH", "geo", "FROMMEMBER", "c3_1", "BYBOX", "5", "5", "km", "COUNT", count, order))
            s.append(("GEORADIUSBYMEMBER", "geo", "c11_0", "10", "km", "COUNT", count, order, "WITHHASH"))
    s.append(("GEORADIUS", "geo", "12.4964", "41.9028", "3", "km", "ASC", "WITHDIST"))
    s.append(("GEORADIUS", "geo", "12.4964", "41.9028", "3", "km", "DESC"))
    s.append(("GEORADIUS", "geo", "12.4964", "41.9028", "3", "km"))
    return s


def store_script():
    rng = random.Random(0x570)
    s = []
    n = 0
    for lon, lat in CENTRES[::2]:
        radius, unit = rng.choice(RADII)
        opts = rng.choice([(), ("COUNT", "5"), ("COUNT", "40", "DESC"), ("ASC",), ("COUNT", "3", "ANY")])
        word = "STORE" if n % 2 else "STOREDIST"
        n += 1
        s.append(("GEORADIUS", "geo", lon, lat, radius, unit) + opts + (word, "dst"))
        s.append(("ZRANGE", "dst", "0", "-1", "WITHSCORES"))
        w, h, bunit = rng.choice(BOXES)
        s.append(("GEOSEARCHSTORE", "dst2", "geo", "FROMLONLAT", lon, lat, "BYBOX", w, h, bunit) + opts)
        s.append(("ZRANGE", "dst2", "0", "-1", "WITHSCORES"))
        s.append(("GEOSEARCHSTORE", "dst3", "geo", "FROMLONLAT", lon, lat, "BYRADIUS", radius, unit, "STOREDIST") + opts)
        s.append(("ZRANGE", "dst3", "0", "-1", "WITHSCORES"))
    for m in ["Rome", "c5_0", "Sydney", "lim0", "pole3"]:
        s.append(("GEORADIUSBYMEMBER", "geo", m, "2000", "km", "STOREDIST", "dst", "COUNT", "10"))
        s.append(("ZRANGE", "dst", "0", "-1", "WITHSCORES"))
        s.append(("GEORADIUSBYMEMBER", "geo", m, "600", "mi", "STORE", "dst4"))
        s.append(("ZRANGE", "dst4", "0", "-1", "WITHSCORES"))
        s.append(("GEOSEARCHSTORE", "dst5", "geo", "FROMMEMBER", m, "BYBOX", "900", "900", "km", "STOREDIST", "COUNT",
                  "25", "DESC"))
        s.append(("ZRANGE", "dst5", "0", "-1", "WITHSCORES"))
        s.append(("GEOSEARCH", "dst5", "FROMMEMBER", m, "BYRADIUS", "100000", "km", "WITHDIST", "WITHHASH"))
    s += [
        # Empty results delete the destination.
        ("GEORADIUS", "geo", "0", "0", "0", "m", "STORE", "dst"), ("EXISTS", "dst"),
        ("GEOSEARCHSTORE", "dst2", "geo", "FROMLONLAT", "-30", "-50", "BYRADIUS", "1", "m"), ("EXISTS", "dst2"),
        # A missing source deletes it too; so does a missing GEORADIUSBYMEMBER source.
        ("GEOADD", "dst3", "1", "2", "x"), ("GEOSEARCHSTORE", "dst3", "nokey", "FROMLONLAT", "1", "2", "BYRADIUS", "1", "m"),
        ("EXISTS", "dst3"), ("GEOADD", "dst3", "1", "2", "x"), ("GEORADIUSBYMEMBER", "nokey", "m", "1", "km", "STORE", "dst3"),
        ("EXISTS", "dst3"), ("GEORADIUSBYMEMBER", "nokey", "m", "notanumber", "parsec", "STORE", "dst3"),
        ("GEORADIUSBYMEMBER", "nokey", "m", "1", "km"), ("GEORADIUSBYMEMBER", "nokey", "m", "x", "y", "WITHDIST"),
        # The destination is replaced whatever it held, TTL included.
        ("SET", "dst6", "string"), ("EXPIRE", "dst6", "1000"),
        ("GEORADIUS", "geo", "13", "38", "300", "km", "STORE", "dst6"), ("TYPE", "dst6"), ("TTL", "dst6"),
        ("ZRANGE", "dst6", "0", "-1", "WITHSCORES"),
        # The last STORE/STOREDIST wins.
        ("GEORADIUS", "geo", "13", "38", "300", "km", "STORE", "dsta", "STOREDIST", "dstb"), ("EXISTS", "dsta"),
        ("ZRANGE", "dstb", "0", "-1", "WITHSCORES"),
        ("GEORADIUS", "geo", "13", "38", "300", "km", "STOREDIST", "dstc", "STORE", "dstd"), ("EXISTS", "dstc"),
        ("ZRANGE", "dstd", "0", "-1", "WITHSCORES"),
        # Storing over the source itself.
        ("GEOADD", "self", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania", "2.35", "48.85", "Paris"),
        ("GEOSEARCHSTORE", "self", "self", "FROMMEMBER", "Palermo", "BYRADIUS", "500", "km", "STOREDIST"),
        ("ZRANGE", "self", "0", "-1", "WITHSCORES"),
    ]
    return s


def write_script():
    return [
        ("GEOADD", "w", "13.361389", "38.115556", "Palermo"), ("GEOADD", "w", "NX", "13", "38", "Palermo", "15", "37", "Catania"),
        ("GEOADD", "w", "XX", "14", "38", "Palermo", "15", "37", "Nope"), ("GEOADD", "w", "CH", "14", "38", "Palermo", "1", "1", "New"),
        ("GEOADD", "w", "XX", "CH", "14.5", "38", "Palermo", "14.5", "38", "Palermo"), ("GEOADD", "w", "CH", "NX", "0", "0", "New"),
        ("GEOADD", "w", "ch", "xx", "0", "0", "New"), ("GEOADD", "w", "CH", "14.5", "38", "Palermo"),
        ("GEOADD", "w", "5", "5", "dup", "6", "6", "dup"), ("ZRANGE", "w", "0", "-1", "WITHSCORES"),
        ("GEOADD", "neww", "XX", "1", "1", "a"), ("EXISTS", "neww"), ("GEOADD", "neww", "NX", "CH", "1", "1", "a"),
        ("GEOADD", "w", "NX", "XX", "1", "1", "a"), ("GEOADD", "w", "GT", "1", "1", "a"), ("GEOADD", "w", "INCR", "1", "1", "a"),
        ("GEOADD", "w", "1", "1"), ("GEOADD", "w", "1", "1", "a", "2"), ("GEOADD", "w", "NX", "CH"), ("GEOADD", "w", "CH", "CH", "CH"),
        ("GEOADD", "w"), ("GEOADD", "w", "NX", "XX", "CH"),
        ("GEOADD", "w", "200", "100", "x"), ("GEOADD", "w", "0", "86", "x"), ("GEOADD", "w", "-181", "0", "x"),
        ("GEOADD", "w", "180.0000001", "0", "x"), ("GEOADD", "w", "0", "-85.05112879", "x"), ("GEOADD", "w", "inf", "0", "x"),
        ("GEOADD", "w", "0", "-inf", "x"), ("GEOADD", "w", "nan", "0", "x"), ("GEOADD", "w", "abc", "0", "x"),
        ("GEOADD", "w", "0", "", "x"), ("GEOADD", "w", " 1", "0", "x"), ("GEOADD", "w", "1e400", "0", "x"),
        ("GEOADD", "w", "1", "1", "ok", "200", "0", "bad"), ("ZSCORE", "w", "ok"), ("GEOADD", "w", "0x10", "0", "hex"),
        ("GEOADD", "w", "1e1", "-1E1", "exp"), ("GEOPOS", "w", "exp", "hex", "Palermo", "dup", "New"),
        ("GEOADD", "w", "-0", "-0.0", "negzero"), ("GEOPOS", "w", "negzero"), ("GEOHASH", "w", "negzero", "exp"),
    ]


def error_script():
    return [
        ("SET", "str", "x"), ("GEOADD", "str", "1", "1", "a"), ("GEOADD", "str", "200", "1", "a"), ("GEOPOS", "str", "a"),
        ("GEOHASH", "str", "a"), ("GEODIST", "str", "a", "b"), ("GEODIST", "str", "a", "b", "parsec"),
        ("GEORADIUS", "str", "1", "1", "1", "km"), ("GEORADIUS", "str", "200", "1", "x", "km"),
        ("GEORADIUS_RO", "str", "1", "1", "1", "km"), ("GEORADIUSBYMEMBER", "str", "a", "1", "km"),
        ("GEORADIUSBYMEMBER_RO", "str", "a", "1", "km"), ("GEOSEARCH", "str", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km"),
        ("GEOSEARCHSTORE", "d", "str", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km"),
        ("GEOSEARCHSTORE", "str", "geo", "FROMLONLAT", "13", "38", "BYRADIUS", "100", "km"), ("TYPE", "str"),
        ("SET", "str", "x"),
        ("GEODIST", "geo", "Palermo", "Catania", "parsec"), ("GEODIST", "geo", "Palermo", "Catania", "km", "extra"),
        ("GEODIST", "geo", "Palermo"), ("GEOPOS",), ("GEOHASH",),
        ("GEORADIUS", "geo", "1", "1", "1"), ("GEORADIUS", "geo", "abc", "1", "1", "km"),
        ("GEORADIUS", "geo", "1", "100", "1", "km"), ("GEORADIUS", "geo", "1", "1", "abc", "km"),
        ("GEORADIUS", "geo", "1", "1", "-1", "km"), ("GEORADIUS", "geo", "1", "1", "1", "parsec"),
        ("GEORADIUS", "geo", "1", "1", "1", "km", "COUNT", "0"), ("GEORADIUS", "geo", "1", "1", "1", "km", "COUNT", "-5"),
        ("GEORADIUS", "geo", "1", "1", "1", "km", "COUNT", "abc"), ("GEORADIUS", "geo", "1", "1", "1", "km", "COUNT"),
        ("GEORADIUS", "geo", "1", "1", "1", "km", "ANY"), ("GEORADIUS", "geo", "1", "1", "1", "km", "ANY", "COUNT", "0"),
        ("GEORADIUS", "geo", "1", "1", "1", "km", "BOGUS"), ("GEORADIUS", "geo", "1", "1", "1", "km", "STORE"),
        ("GEORADIUS", "geo", "1", "1", "1", "km", "STORE", "d", "WITHDIST"),
        ("GEORADIUS", "geo", "1", "1", "1", "km", "WITHHASH", "STOREDIST", "d"),
        ("GEORADIUS", "geo", "1", "1", "1", "km", "FROMMEMBER", "Rome"),
        ("GEORADIUS", "nokey", "1", "1", "1", "km"), ("GEORADIUS", "nokey", "1", "1", "1", "km", "ANY"),
        ("GEORADIUS", "nokey", "1", "1", "-1", "km"), ("GEORADIUS", "nokey", "1", "1", "1", "km", "STORE", "d", "WITHCOORD"),
        ("GEORADIUS_RO", "geo", "1", "1", "1", "km", "STORE", "d"), ("GEORADIUS_RO", "geo", "1", "1", "1", "km", "STOREDIST", "d"),
        ("GEORADIUSBYMEMBER", "geo", "nosuch", "1", "km"), ("GEORADIUSBYMEMBER", "geo", "Rome", "x", "km"),
        ("GEORADIUSBYMEMBER", "geo", "Rome", "1", "lightyears"), ("GEORADIUSBYMEMBER", "geo", "Rome"),
        ("GEORADIUSBYMEMBER_RO", "geo", "Rome", "1", "km", "STORE", "d"),
        ("GEOSEARCH", "geo", "BYRADIUS", "1", "km"), ("GEOSEARCH", "geo", "FROMLONLAT", "1", "1"),
        ("geosearch", "geo", "BYRADIUS", "1", "km", "ASC"), ("geosearch", "geo", "BYRADIUS", "1", "km", "ASC", "ASC"),
        ("GeoSearch", "geo", "FROMMEMBER", "Rome", "ASC", "ASC", "WITHDIST"), ("GeoSearch", "geo", "FROMMEMBER", "Rome", "ASC", "ASC"),
        ("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km"),
        ("GEOSEARCH", "geo", "FROMLONLAT", "1", "1", "FROMMEMBER", "Rome", "BYRADIUS", "1", "km"),
        ("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "FROMMEMBER", "Paris", "BYRADIUS", "500", "km", "WITHDIST"),
        ("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "BYRADIUS", "1", "km", "BYBOX", "1", "1", "km"),
        ("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "BYBOX", "1", "1", "km", "BYRADIUS", "1", "km"),
        ("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "BYRADIUS", "1", "km", "BYRADIUS", "900", "km", "ASC"),
        ("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "BYBOX", "-1", "1", "km"),
        ("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "BYBOX", "1", "-1", "km"),
        ("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "BYBOX", "x", "1", "km"),
        ("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "BYBOX", "1", "x", "km"),
        ("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "BYBOX", "x", "y", "parsec"),
        ("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "BYBOX", "1", "1", "parsec"),
        ("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "BYBOX", "1", "1"),
        ("GEOSEARCH", "geo", "FROMMEMBER", "nosuch", "BYRADIUS", "1", "km"),
        ("GEOSEARCH", "geo", "FROMMEMBER", "nosuch", "BOGUS"),
        ("GEOSEARCH", "geo", "FROMLONLAT", "200", "1", "BYRADIUS", "1", "km"),
        ("GEOSEARCH", "geo", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "STORE", "d"),
        ("GEOSEARCH", "geo", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "STOREDIST"),
        ("GEOSEARCH", "geo", "FROMLONLAT", "1", "1", "BYRADIUS", "1", "km", "ANY"),
        ("GEOSEARCH", "nokey", "FROMMEMBER", "nosuch", "BYRADIUS", "1", "km"),
        ("GEOSEARCH", "nokey", "FROMMEMBER", "nosuch", "BYRADIUS", "x", "km"),
        ("GEOSEARCH", "nokey", "FROMMEMBER", "nosuch"),
        ("GEOSEARCHSTORE", "d", "geo", "FROMMEMBER", "Rome", "BYRADIUS", "1", "km", "WITHDIST"),
        ("GEOSEARCHSTORE", "d", "geo", "FROMMEMBER", "Rome", "BYRADIUS", "1", "km", "STORE", "x"),
        ("geosearchstore", "d", "geo", "BYRADIUS", "1", "km", "ASC"), ("GEOSEARCHSTORE", "d", "geo", "BYRADIUS", "1", "km"), ("GEOSEARCHSTORE", "d", "geo", "FROMMEMBER", "Rome"),
        ("GEOSEARCHSTORE", "d", "geo", "FROMMEMBER", "Rome", "BYRADIUS", "1"),
        ("GEOSEARCHSTORE", "d", "nokey", "FROMMEMBER", "Rome", "BYRADIUS", "1", "km", "WITHHASH"),
        ("GEOADD", "geo2", "1", "2"), ("GEOADD", "w", "1e300", "-1e200", "x"), ("GEOADD", "w", "-1e-300", "1e-320", "x"),
        # Infinite and huge sizes are accepted and searched like Redis does.
        ("GEORADIUS", "geo", "0", "0", "inf", "km", "COUNT", "5", "ASC", "WITHDIST"),
        ("GEORADIUS", "geo", "12", "41", "1e308", "km", "COUNT", "5", "DESC"), ("GEORADIUS", "geo", "0", "0", "-0", "km"),
        ("GEORADIUS", "geo", "0", "0", "nan", "km"), ("GEORADIUS", "geo", "0", "0", "1", "km", "COUNT", "9223372036854775807"),
        ("GEOSEARCH", "geo", "FROMLONLAT", "12", "41", "BYBOX", "inf", "1", "km", "ASC", "WITHDIST"),
        ("GEOSEARCH", "geo", "FROMLONLAT", "12", "41", "BYBOX", "1e308", "1e308", "mi", "COUNT", "3"),
        ("GEOSEARCH", "geo", "FROMMEMBER", "Rome", "BYBOX", "0", "100000", "km", "WITHDIST"),
    ]


def getkeys_script():
    return [
        ("COMMAND", "GETKEYS", "GEORADIUS", "k", "0", "0", "1", "km"),
        ("COMMAND", "GETKEYS", "GEORADIUS", "k", "0", "0", "1", "km", "STORE", "d"),
        ("COMMAND", "GETKEYS", "GEORADIUS", "k", "0", "0", "1", "km", "storedist", "d", "COUNT", "3"),
        ("COMMAND", "GETKEYS", "GEORADIUS", "k", "0", "0", "1", "km", "STOREDIST", "a", "STORE", "b"),
        ("COMMAND", "GETKEYS", "GEORADIUS", "k", "0", "0", "1", "km", "COUNT", "STORE"),
        ("COMMAND", "GETKEYS", "GEORADIUSBYMEMBER", "k", "m", "1", "km", "STORE", "d"),
        ("COMMAND", "GETKEYS", "GEORADIUSBYMEMBER", "k", "m", "1", "STORE", "d"),
        ("COMMAND", "GETKEYS", "GEORADIUS_RO", "k", "0", "0", "1", "km", "STORE", "d"),
        ("COMMAND", "GETKEYS", "GEOSEARCHSTORE", "d", "s", "FROMMEMBER", "m", "BYRADIUS", "1", "km"),
        ("COMMAND", "GETKEYS", "GEOSEARCH", "s", "FROMMEMBER", "m", "BYRADIUS", "1", "km"),
        ("COMMAND", "GETKEYS", "GEOADD", "k", "1", "1", "m"), ("COMMAND", "GETKEYS", "GEODIST", "k", "a", "b"),
    ]


def odd_scores_script():
    """Any sorted set can be read as a geo set: scores that are no geohash."""
    return [
        ("ZADD", "odd", "-1", "neg", "1e300", "huge", "-1e300", "neghuge", "0.5", "half", "4503599627370496", "bit52",
         "9007199254740993", "bit53", "9223372036854775808", "bit63", "1.8446744073709552e19", "bit64", "0", "zero",
         "3471579339700058.5", "frac", "inf", "pinf", "-inf", "ninf"),
        ("GEOPOS", "odd", "neg", "huge", "neghuge", "half", "bit52", "bit53", "bit63", "bit64", "zero", "frac", "pinf", "ninf"),
        ("GEOHASH", "odd", "neg", "huge", "neghuge", "half", "bit52", "bit53", "bit63", "bit64", "zero", "frac", "pinf", "ninf"),
        ("GEODIST", "odd", "neg", "zero"), ("GEODIST", "odd", "huge", "bit53", "km"),
        ("GEORADIUS", "odd", "-179.99", "-85.05", "100", "km", "WITHHASH", "WITHCOORD", "WITHDIST"),
        ("GEORADIUS", "odd", "0", "0", "40000", "km", "WITHHASH", "WITHCOORD", "WITHDIST", "ASC"),
        ("GEOSEARCH", "odd", "FROMMEMBER", "frac", "BYBOX", "40000", "40000", "km", "WITHHASH", "DESC"),
        ("GEOSEARCH", "odd", "FROMMEMBER", "neg", "BYRADIUS", "1", "m", "WITHCOORD"),
        ("GEORADIUSBYMEMBER", "odd", "bit52", "5000", "km", "WITHHASH", "WITHCOORD"),
    ]


def full_script():
    return (load_script() + read_script() + write_script() + search_script() + store_script() + error_script()
            + odd_scores_script() + getkeys_script())


class DiffGeoTest(unittest.TestCase):
    def check(self, script):
        mismatches = harness.diff_against_redis(script)
        shown = mismatches[:40]
        self.assertEqual(mismatches, [], "%d mismatches:\n%s" % (len(mismatches), "\n".join(shown)))

    def test_resp2(self):
        self.check(full_script())

    def test_resp3(self):
        self.check([("HELLO", "3", NOCMP)] + full_script())

    def test_script_is_large_enough(self):
        script = full_script()
        self.assertGreaterEqual(len(POINTS), 300)
        self.assertGreater(sum(1 for s in script if str(s[0]).upper().startswith("GEO")), 1500)


if __name__ == "__main__":
    unittest.main(verbosity=2)
