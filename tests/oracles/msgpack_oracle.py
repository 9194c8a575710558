#!/usr/bin/python3
"""MessagePack oracle for MiniMesos's own codec, backed by Debian's python3-msgpack.

Corpus file: one item per line, three tab-separated fields:
    <hex of the encoded value> TAB <mode> TAB <description>
mode: f64   - repack with default settings (floats as float64)
      f32   - repack with use_single_float=True (every float in the item is float32)
      decode - decode and describe only (negative extension types: msgpack-python cannot pack them)
description: canonical text of the value, defined identically in MessagePackValue.ToString():
    nil | true | false | i:<decimal> | f:nan | f:<IEEE-754 binary64 bits, 16 hex> | s:<utf-8 hex>
    | b:<hex> | x:<type>:<hex> | t:<seconds>:<nanoseconds> | [a,b,...] | {k=v,...}

Commands:
    check <corpus>            decode every item, compare description, repack, compare bytes
    generate <seed> <corpus>  write a corpus encoded by msgpack-python
Prints "checked N items" / "generated N items"; exits 1 on the first mismatches.
"""
import random
import struct
import sys

try:
    import msgpack
except ImportError:
    sys.stderr.write("python3-msgpack is missing: install python3-msgpack (apt-get install python3-msgpack)\n")
    sys.exit(3)


class NegExt:
    """An extension with a negative type other than -1 (ExtType only allows 0..127)."""
    __slots__ = ("code", "data")

    def __init__(self, code, data):
        self.code, self.data = code, data


def ext_hook(code, data):
    return msgpack.ExtType(code, data) if code >= 0 else NegExt(code, data)


def describe(v):
    if v is None:
        return "nil"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        return "i:%d" % v
    if isinstance(v, float):
        return "f:nan" if v != v else "f:" + struct.pack(">d", v).hex()
    if isinstance(v, str):
        return "s:" + v.encode("utf-8").hex()
    if isinstance(v, bytes):
        return "b:" + v.hex()
    if isinstance(v, msgpack.Timestamp):
        return "t:%d:%d" % (v.seconds, v.nanoseconds)
    if isinstance(v, (msgpack.ExtType, NegExt)):
        return "x:%d:%s" % (v.code, v.data.hex())
    if isinstance(v, (list, tuple)):
        return "[" + ",".join(describe(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ",".join(describe(k) + "=" + describe(x) for k, x in v.items()) + "}"
    raise TypeError("cannot describe %r" % type(v))


def unpack(data):
    return msgpack.unpackb(data, raw=False, strict_map_key=False, ext_hook=ext_hook)


def pack(value, mode):
    return msgpack.packb(value, use_bin_type=True, use_single_float=(mode == "f32"))


def read_corpus(path):
    with open(path, "r", encoding="ascii") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if line:
                hexdata, mode, desc = line.split("\t")
                yield n, bytes.fromhex(hexdata), mode, desc


def check(path):
    checked = repacked = failures = 0
    for n, data, mode, desc in read_corpus(path):
        try:
            value = unpack(data)
        except Exception as e:  # report, keep going to show every failure
            print("line %d: msgpack-python cannot decode %s: %s" % (n, data[:40].hex(), e))
            failures += 1
            if failures >= 20:
                break
            continue
        got = describe(value)
        if got != desc:
            print("line %d: description differs\n  expected %s\n  python   %s" % (n, desc[:300], got[:300]))
            failures += 1
        if mode != "decode":
            again = pack(value, mode)
            if again != data:
                print("line %d: re-encoding differs\n  ours   %s\n  python %s" % (n, data[:80].hex(), again[:80].hex()))
                failures += 1
            repacked += 1
        checked += 1
        if failures >= 20:
            break
    print("checked %d items (%d re-encoded and compared), %d failures" % (checked, repacked, failures))
    return 1 if failures else 0


INT_BOUNDS = [0, 1, 127, 128, 255, 256, 65535, 65536, 2**32 - 1, 2**32, 2**63 - 1, 2**64 - 1,
              -1, -32, -33, -128, -129, -32768, -32769, -2**31, -2**31 - 1, -2**63]
LEN_BOUNDS = [0, 1, 15, 16, 31, 32, 255, 256, 65535, 65536]


def rand_text(rng, n):
    # Mix ASCII, 2-, 3- and 4-byte code points, never surrogates.
    out = []
    for _ in range(n):
        k = rng.random()
        if k < 0.6:
            out.append(chr(rng.randint(0x20, 0x7e)))
        elif k < 0.75:
            out.append(chr(rng.randint(0x80, 0x7ff)))
        elif k < 0.9:
            c = rng.randint(0x800, 0xfffd)
            out.append(chr(c if not 0xd800 <= c <= 0xdfff else 0x4e2d))
        else:
            out.append(chr(rng.randint(0x10000, 0x10ffff)))
    return "".join(out)


def rand_int(rng):
    bits = rng.choice([3, 5, 7, 8, 15, 16, 31, 32, 63, 64])
    if rng.random() < 0.5:
        return rng.getrandbits(bits) if bits < 64 else rng.getrandbits(64)
    return -rng.randint(1, 2 ** min(bits, 63))


def rand_float(rng, single):
    if single:
        f = struct.unpack(">f", struct.pack(">I", rng.getrandbits(32)))[0]
        return float("nan") if f != f else f
    return struct.unpack(">d", struct.pack(">Q", rng.getrandbits(64)))[0]


def rand_timestamp(rng):
    kind = rng.randint(0, 2)
    if kind == 0:
        return msgpack.Timestamp(rng.getrandbits(32), 0)
    if kind == 1:
        return msgpack.Timestamp(rng.getrandbits(34), rng.randint(0, 999999999))
    return msgpack.Timestamp(rng.randint(-2**63, 2**63 - 1), rng.randint(0, 999999999))


def rand_scalar(rng, single):
    k = rng.randint(0, 9)
    if k == 0:
        return rng.choice([None, True, False])
    if k in (1, 2):
        return rand_int(rng)
    if k == 3:
        return rand_float(rng, single)
    if k in (4, 5):
        return rand_text(rng, rng.choice([0, 1, 5, 31, 32, 40, 255, 256]))
    if k == 6:
        return bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 7, 255, 256])))
    if k == 7:
        return msgpack.ExtType(rng.randint(0, 127), bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 2, 3, 4, 8, 16, 17]))))
    if k == 8:
        return rand_timestamp(rng)
    return rand_int(rng)


def rand_value(rng, depth, single):
    if depth >= 4 or rng.random() < 0.4:
        return rand_scalar(rng, single)
    # Sizes around the fix/16-bit boundary near the top, small deeper down to keep the corpus small.
    n = rng.choice([0, 1, 2, 3, 5, 15, 16, 17] if depth == 0 else [0, 1, 2, 3])
    if rng.random() < 0.5:
        return [rand_value(rng, depth + 1, single) for _ in range(n)]
    # Distinct string and int keys: Python would merge equal keys (1 == 1.0 == True).
    keys = ["k%d" % i if rng.random() < 0.7 else i * 1000 + 7 for i in range(n)]
    return {k: rand_value(rng, depth + 1, single) for k in keys}


def boundary_values():
    for i in INT_BOUNDS:
        yield i, "f64"
    for d in [0.0, -0.0, 1.5, 0.1, float("inf"), float("-inf"), float("nan"), 5e-324, 1.7976931348623157e308]:
        yield d, "f64"
    for f in [0.0, -0.0, 1.5, float("inf"), float("-inf"), float("nan"), 3.4028234663852886e38, 1e-45, 0.1]:
        # The description is of the float32 value actually packed.
        yield struct.unpack(">f", struct.pack(">f", f))[0], "f32"
    for n in LEN_BOUNDS:
        yield "a" * n, "f64"
        yield bytes(range(256)) * (n // 256) + bytes(n % 256), "f64"
        yield [None] * n, "f64"
        yield {i: None for i in range(n)}, "f64"
    for n in [0, 1, 2, 3, 4, 8, 16, 17, 255, 256, 65535, 65536]:
        yield msgpack.ExtType(7, b"\x5a" * n), "f64"
    yield msgpack.ExtType(127, b"x"), "f64"
    for s, ns in [(0, 0), (2**32 - 1, 0), (2**32, 0), (0, 1), (2**34 - 1, 999999999), (2**34, 0),
                  (-1, 0), (-1, 999999999), (-2**63, 0), (2**63 - 1, 999999999)]:
        yield msgpack.Timestamp(s, ns), "f64"
    yield "é€😀", "f64"


def generate(seed, path):
    rng = random.Random(seed)
    items = list(boundary_values())
    for i in range(1500):
        single = i % 5 == 0
        items.append((rand_value(rng, 0, single), "f32" if single else "f64"))
    with open(path, "w", encoding="ascii") as f:
        for value, mode in items:
            f.write("%s\t%s\t%s\n" % (pack(value, mode).hex(), mode, describe(value)))
    print("generated %d items (seed %d)" % (len(items), seed))
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "check":
        return check(argv[2])
    if len(argv) == 4 and argv[1] == "generate":
        return generate(int(argv[2]), argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
