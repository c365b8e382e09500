#include "saving/zip_archive.h"

#include <zip.h>
#include <zlib.h>

#include <algorithm>

#include "keras/errors.h"

namespace keras::saving {

using keras::detail::cat;

namespace {
zip_t* Z(void* p) { return static_cast<zip_t*>(p); }
constexpr uint64_t kMaxEntries = 1u << 16;
constexpr uint64_t kCrcChunk = uint64_t{1} << 30;  // zlib's crc32 takes an unsigned int length
}  // namespace

ZipReader::ZipReader(const std::string& path) : path_(path) {
  int err = 0;
  zip_ = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err);
  if (!zip_) {
    zip_error_t e;
    zip_error_init_with_code(&e, err);
    const std::string msg = zip_error_strerror(&e);
    zip_error_fini(&e);
    throw IOError(cat(path, ": not a readable zip archive (", msg, ")"));
  }
  if (static_cast<uint64_t>(zip_get_num_entries(Z(zip_), 0)) > kMaxEntries)
    throw IOError(cat(path, ": too many entries in the archive"));
}

ZipReader::~ZipReader() {
  if (zip_) zip_discard(Z(zip_));
}

bool ZipReader::has(const std::string& name) const { return zip_name_locate(Z(zip_), name.c_str(), 0) >= 0; }

std::vector<std::string> ZipReader::names() const {
  std::vector<std::string> out;
  const zip_int64_t n = zip_get_num_entries(Z(zip_), 0);
  for (zip_int64_t i = 0; i < n; ++i)
    if (const char* name = zip_get_name(Z(zip_), static_cast<zip_uint64_t>(i), 0)) out.emplace_back(name);
  return out;
}

uint64_t ZipReader::size(const std::string& name) const {
  zip_stat_t st;
  if (zip_stat(Z(zip_), name.c_str(), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
    throw IOError(cat(path_, ": no entry ", name));
  return st.size;
}

uint64_t ZipReader::size_in_archive(const std::string& name) const {
  zip_stat_t st;
  if (zip_stat(Z(zip_), name.c_str(), 0, &st) != 0 || !(st.valid & ZIP_STAT_COMP_SIZE))
    throw IOError(cat(path_, ": no entry ", name));
  return st.comp_size;
}

std::vector<uint8_t> ZipReader::read(const std::string& name, uint64_t max_bytes) const {
  zip_stat_t st;
  if (zip_stat(Z(zip_), name.c_str(), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
    throw IOError(cat(path_, ": no entry ", name));
  if (st.size > max_bytes) throw IOError(cat(path_, ": entry ", name, " is ", st.size, " bytes, more than allowed"));
  // A deflated entry cannot expand more than ~1032x; a directory claiming more is forged.
  if ((st.valid & ZIP_STAT_COMP_SIZE) && st.size > (uint64_t{1} << 20) && st.size / 1100 > st.comp_size)
    throw IOError(cat(path_, ": entry ", name, " claims an impossible compression ratio"));
  zip_file_t* f = zip_fopen(Z(zip_), name.c_str(), 0);
  if (!f) throw IOError(cat(path_, ": cannot open entry ", name, " (", zip_strerror(Z(zip_)), ")"));
  std::vector<uint8_t> out(static_cast<size_t>(st.size));
  uint64_t got = 0;
  while (got < st.size) {
    const zip_int64_t n = zip_fread(f, out.data() + got, st.size - got);
    if (n <= 0) {
      const std::string msg = zip_file_strerror(f);
      zip_fclose(f);
      throw IOError(cat(path_, ": entry ", name, " is damaged (", msg, ")"));
    }
    got += static_cast<uint64_t>(n);
  }
  zip_fclose(f);
  // libzip compares the CRC-32 only when a read reaches the end of the entry, which a
  // reader that stops at the stated size never does: compare it here (Python's zipfile
  // rejects such files; a flipped bit in the weights would otherwise predict wrong numbers).
  if (st.valid & ZIP_STAT_CRC) {
    uLong crc = crc32(0L, Z_NULL, 0);
    for (uint64_t at = 0; at < got; at += kCrcChunk)
      crc = crc32(crc, out.data() + at, static_cast<uInt>(std::min<uint64_t>(kCrcChunk, got - at)));
    if (static_cast<uint32_t>(crc) != st.crc)
      throw IOError(cat(path_, ": entry ", name, " is damaged (its CRC-32 is ", static_cast<uint32_t>(crc),
                        ", the archive says ", st.crc, ")"));
  }
  return out;
}

std::vector<uint8_t> make_zip(const std::vector<std::pair<std::string, std::vector<uint8_t>>>& entries) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* buffer = zip_source_buffer_create(nullptr, 0, 0, &error);
  if (!buffer) throw IOError("zip: cannot create an in-memory archive");
  zip_t* za = zip_open_from_source(buffer, ZIP_TRUNCATE, &error);
  if (!za) {
    zip_source_free(buffer);
    throw IOError(cat("zip: cannot create an archive (", zip_error_strerror(&error), ")"));
  }
  zip_source_keep(buffer);  // read it back after zip_close
  for (const auto& [name, data] : entries) {
    zip_source_t* src = zip_source_buffer(za, data.data(), data.size(), 0);
    const zip_int64_t idx = src ? zip_file_add(za, name.c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE) : -1;
    if (idx < 0) {
      if (src) zip_source_free(src);
      zip_discard(za);
      zip_source_free(buffer);
      throw IOError(cat("zip: cannot add ", name));
    }
    zip_set_file_compression(za, static_cast<zip_uint64_t>(idx), ZIP_CM_STORE, 0);
  }
  if (zip_close(za) != 0) {
    const std::string msg = zip_strerror(za);
    zip_discard(za);
    zip_source_free(buffer);
    throw IOError(cat("zip: cannot write the archive (", msg, ")"));
  }
  std::vector<uint8_t> out;
  if (zip_source_open(buffer) == 0) {
    zip_source_seek(buffer, 0, SEEK_END);
    const zip_int64_t size = zip_source_tell(buffer);
    zip_source_seek(buffer, 0, SEEK_SET);
    out.resize(static_cast<size_t>(std::max<zip_int64_t>(size, 0)));
    if (size > 0 && zip_source_read(buffer, out.data(), static_cast<zip_uint64_t>(size)) != size) out.clear();
    zip_source_close(buffer);
  }
  zip_source_free(buffer);
  if (out.empty()) throw IOError("zip: cannot read back the archive");
  return out;
}

}  // namespace keras::saving
