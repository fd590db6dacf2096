"""The safetensors format written by hand (numpy only): an 8-byte little-endian header
length, a JSON header {name: {dtype, shape, data_offsets}} padded to 8 bytes, then the raw
little-endian float32 data. The engine reads these files with readSafetensors()."""
import json
import struct


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name in sorted(tensors):
        a = tensors[name]
        raw = a.astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        blobs.append(raw)
    head = json.dumps(header, separators=(",", ":")).encode()
    head += b" " * ((8 - len(head) % 8) % 8)
    with open(path, "wb") as fh:
        fh.write(struct.pack("<Q", len(head)))
        fh.write(head)
        for b in blobs:
            fh.write(b)
