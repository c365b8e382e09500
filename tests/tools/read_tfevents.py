#!/usr/bin/python3
"""An independent reader of TensorBoard event files, for the C++ TensorBoard test.

Usage: read_tfevents.py LOG_DIR
Walks LOG_DIR for events.out.tfevents.* files, checks the TFRecord framing (lengths and
masked CRC-32C, computed here bit by bit), parses every record as a tensorflow.Event with
message classes built from a hand-written FileDescriptorProto (python3-protobuf only: no
TensorFlow, and no code shared with the C++ writer), and prints one JSON object per line:
  {"dir": "train", "file": ..., "kind": "file_version", "step": 0, "value": "brain.Event:2"}
  {"dir": "train", "kind": "scalar", "tag": "epoch_loss", "step": 0, "value": 0.5,
   "plugin": "scalars", "data_class": 1}
  {"dir": "train", "kind": "histogram", "tag": ..., "step": ..., "min": ..., "max": ...,
   "num": ..., "sum": ..., "sum_squares": ..., "bucket_total": ..., "buckets": ...}
  {"dir": "train", "kind": "tensor", "tag": "keras", "plugin": "graph_keras_model",
   "content": "1", "dtype": 7, "shape": [], "strings": [...]}
Any malformed file is an error: a message on stderr and exit status 1.
Field numbers follow tensorflow/core/util/event.proto, framework/summary.proto,
framework/tensor.proto and framework/tensor_shape.proto.
"""
import base64
import json
import os
import struct
import sys
import zlib

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto


def build_classes():
    fdp = descriptor_pb2.FileDescriptorProto(name="tb_reader_events.proto", package="tbreader", syntax="proto3")

    def message(name, fields):
        m = fdp.message_type.add(name=name)
        for number, fname, ftype, label, type_name in fields:
            f = m.field.add(name=fname, number=number, type=ftype, label=label)
            if type_name:
                f.type_name = ".tbreader." + type_name
        return m

    opt, rep = F.LABEL_OPTIONAL, F.LABEL_REPEATED
    message("PluginData", [(1, "plugin_name", F.TYPE_STRING, opt, None), (2, "content", F.TYPE_BYTES, opt, None)])
    message("SummaryMetadata", [(1, "plugin_data", F.TYPE_MESSAGE, opt, "PluginData"),
                                (2, "display_name", F.TYPE_STRING, opt, None),
                                (3, "summary_description", F.TYPE_STRING, opt, None),
                                (4, "data_class", F.TYPE_INT32, opt, None)])
    message("Dim", [(1, "size", F.TYPE_INT64, opt, None), (2, "name", F.TYPE_STRING, opt, None)])
    message("TensorShapeProto", [(2, "dim", F.TYPE_MESSAGE, rep, "Dim"), (3, "unknown_rank", F.TYPE_BOOL, opt, None)])
    message("TensorProto", [(1, "dtype", F.TYPE_INT32, opt, None),
                            (2, "tensor_shape", F.TYPE_MESSAGE, opt, "TensorShapeProto"),
                            (3, "version_number", F.TYPE_INT32, opt, None),
                            (4, "tensor_content", F.TYPE_BYTES, opt, None),
                            (5, "float_val", F.TYPE_FLOAT, rep, None),
                            (6, "double_val", F.TYPE_DOUBLE, rep, None),
                            (8, "string_val", F.TYPE_BYTES, rep, None)])
    message("HistogramProto", [(1, "min", F.TYPE_DOUBLE, opt, None), (2, "max", F.TYPE_DOUBLE, opt, None),
                               (3, "num", F.TYPE_DOUBLE, opt, None), (4, "sum", F.TYPE_DOUBLE, opt, None),
                               (5, "sum_squares", F.TYPE_DOUBLE, opt, None),
                               (6, "bucket_limit", F.TYPE_DOUBLE, rep, None),
                               (7, "bucket", F.TYPE_DOUBLE, rep, None)])
    message("Value", [(7, "node_name", F.TYPE_STRING, opt, None), (1, "tag", F.TYPE_STRING, opt, None),
                      (9, "metadata", F.TYPE_MESSAGE, opt, "SummaryMetadata"),
                      (2, "simple_value", F.TYPE_FLOAT, opt, None),
                      (3, "obsolete_old_style_histogram", F.TYPE_BYTES, opt, None),
                      (5, "histo", F.TYPE_MESSAGE, opt, "HistogramProto"),
                      (8, "tensor", F.TYPE_MESSAGE, opt, "TensorProto")])
    message("Summary", [(1, "value", F.TYPE_MESSAGE, rep, "Value")])
    message("Event", [(1, "wall_time", F.TYPE_DOUBLE, opt, None), (2, "step", F.TYPE_INT64, opt, None),
                      (3, "file_version", F.TYPE_STRING, opt, None), (4, "graph_def", F.TYPE_BYTES, opt, None),
                      (5, "summary", F.TYPE_MESSAGE, opt, "Summary")])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    factory = message_factory.MessageFactory(pool)
    desc = pool.FindMessageTypeByName("tbreader.Event")
    if hasattr(message_factory, "GetMessageClass"):
        return message_factory.GetMessageClass(desc)
    return factory.GetPrototype(desc)


def crc32c(data):
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
    return crc ^ 0xFFFFFFFF


def masked(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def text_or_base64(s):
    try:
        return s.decode("utf-8")
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(s).decode("ascii")


def decode_png(png):
    """8-bit PNGs without filtering, as the C++ encoder writes them; chunk CRCs checked."""
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, ihdr = 8, b"", None
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind, body = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length:pos + 12 + length])
        if crc != zlib.crc32(kind + body) & 0xFFFFFFFF:
            raise ValueError("bad PNG chunk CRC")
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color_type = ihdr[0], ihdr[1], ihdr[2], ihdr[3]
    channels = {0: 1, 2: 3, 6: 4}[color_type]
    if depth != 8:
        raise ValueError("PNG depth is not 8")
    raw = zlib.decompress(idat)
    row = width * channels
    pixels = []
    for y in range(height):
        line = raw[y * (row + 1):(y + 1) * (row + 1)]
        if line[0] != 0:
            raise ValueError("unsupported PNG filter")
        pixels.extend(line[1:])
    return {"width": width, "height": height, "color_type": color_type, "pixels": pixels}


def records(path):
    with open(path, "rb") as f:
        data = f.read()
    pos = 0
    while pos < len(data):
        if len(data) - pos < 12:
            raise ValueError(f"{path}: truncated record header at byte {pos}")
        header = data[pos:pos + 8]
        (length,) = struct.unpack("<Q", header)
        (header_crc,) = struct.unpack("<I", data[pos + 8:pos + 12])
        if header_crc != masked(header):
            raise ValueError(f"{path}: bad length CRC at byte {pos}")
        body = data[pos + 12:pos + 12 + length]
        if len(body) != length or len(data) < pos + 16 + length:
            raise ValueError(f"{path}: truncated record at byte {pos}")
        (body_crc,) = struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])
        if body_crc != masked(body):
            raise ValueError(f"{path}: bad data CRC at byte {pos}")
        yield body
        pos += 16 + length


def describe(event_class, path, directory):
    rows = []
    for i, body in enumerate(records(path)):
        event = event_class()
        event.ParseFromString(body)
        if i == 0:
            if event.file_version != "brain.Event:2" or event.wall_time <= 0:
                raise ValueError(f"{path}: the first event is not file_version brain.Event:2")
            rows.append({"dir": directory, "file": os.path.basename(path), "kind": "file_version", "step": event.step,
                         "value": event.file_version, "wall_time": event.wall_time})
            continue
        if event.wall_time <= 0 or not event.HasField("summary"):
            raise ValueError(f"{path}: event {i} has no wall_time or no summary")
        for v in event.summary.value:
            row = {"dir": directory, "file": os.path.basename(path), "tag": v.tag, "step": event.step}
            plugin = v.metadata.plugin_data.plugin_name if v.HasField("metadata") else ""
            row["plugin"] = plugin
            row["data_class"] = v.metadata.data_class
            if v.HasField("histo"):
                h = v.histo
                if len(h.bucket) != len(h.bucket_limit):
                    raise ValueError(f"{path}: histogram {v.tag} has {len(h.bucket)} buckets and "
                                     f"{len(h.bucket_limit)} limits")
                if list(h.bucket_limit) != sorted(h.bucket_limit):
                    raise ValueError(f"{path}: histogram {v.tag} limits are not increasing")
                row.update(kind="histogram", min=h.min, max=h.max, num=h.num, sum=h.sum, sum_squares=h.sum_squares,
                           bucket_total=sum(h.bucket), buckets=len(h.bucket))
            elif v.HasField("tensor"):
                t = v.tensor
                shape = [d.size for d in t.tensor_shape.dim]
                if plugin == "scalars" and t.dtype == 1 and shape == []:
                    if len(t.tensor_content) == 4:
                        (value,) = struct.unpack("<f", t.tensor_content)
                    elif len(t.float_val) == 1:
                        value = t.float_val[0]
                    else:
                        raise ValueError(f"{path}: scalar {v.tag} holds no value")
                    row.update(kind="scalar", value=value)
                else:
                    row.update(kind="tensor", dtype=t.dtype, shape=shape,
                               content=v.metadata.plugin_data.content.decode("latin-1"),
                               strings=[text_or_base64(s) for s in t.string_val])
                    if plugin == "images":
                        row["images"] = [decode_png(s) for s in t.string_val[2:]]
            else:
                row.update(kind="scalar", value=v.simple_value)
            rows.append(row)
    return rows


def main():
    if len(sys.argv) != 2:
        print("usage: read_tfevents.py LOG_DIR", file=sys.stderr)
        return 2
    event_class = build_classes()
    root = sys.argv[1]
    out = []
    for directory, _, files in sorted(os.walk(root)):
        for name in sorted(files):
            if ".tfevents." not in name:
                continue
            rel = os.path.relpath(directory, root)
            try:
                out.extend(describe(event_class, os.path.join(directory, name), rel))
            except Exception as e:  # noqa: BLE001
                print(f"read_tfevents: {e}", file=sys.stderr)
                return 1
    for row in out:
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
