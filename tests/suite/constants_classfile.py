# Prints {field: value} for the int fields with a ConstantValue attribute in
# one class of a jar: python3 -c "$(cat this)" JAR CLASS
import json, struct, sys, zipfile

data = zipfile.ZipFile(sys.argv[1]).read(sys.argv[2])
pos = 8
count = struct.unpack_from(">H", data, pos)[0]
pos += 2
pool = [None] * count
i = 1
while i < count:
    tag = data[pos]
    pos += 1
    if tag == 1:
        n = struct.unpack_from(">H", data, pos)[0]
        pool[i] = data[pos + 2 : pos + 2 + n].decode("utf-8", "replace")
        pos += 2 + n
    elif tag == 3:
        pool[i] = struct.unpack_from(">i", data, pos)[0]
        pos += 4
    elif tag in (4,):
        pos += 4
    elif tag in (5, 6):
        pos += 8
        i += 1
    elif tag in (7, 8, 16, 19, 20):
        pos += 2
    elif tag in (9, 10, 11, 12, 17, 18):
        pos += 4
    elif tag == 15:
        pos += 3
    else:
        raise SystemExit(f"unknown constant pool tag {tag}")
    i += 1
pos += 6
interfaces = struct.unpack_from(">H", data, pos)[0]
pos += 2 + 2 * interfaces
fields = struct.unpack_from(">H", data, pos)[0]
pos += 2
out = {}
for _ in range(fields):
    _flags, name, _desc, attrs = struct.unpack_from(">HHHH", data, pos)
    pos += 8
    for _ in range(attrs):
        aname, alen = struct.unpack_from(">HI", data, pos)
        if pool[aname] == "ConstantValue" and isinstance(pool[struct.unpack_from(">H", data, pos + 6)[0]], int):
            out[pool[name]] = pool[struct.unpack_from(">H", data, pos + 6)[0]]
        pos += 6 + alen
print(json.dumps(out))
