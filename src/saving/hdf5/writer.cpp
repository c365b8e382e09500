#include "saving/hdf5/writer.h"

#include <hdf5.h>

#include <mutex>

namespace keras::saving::hdf5 {

using keras::detail::cat;

namespace {

/// libhdf5 is not thread-safe in Debian's build; every call goes through this lock.
std::recursive_mutex& h5_mutex() {
  static std::recursive_mutex m;
  return m;
}

void check(herr_t status, const std::string& what) {
  if (status < 0) throw IOError(cat("HDF5 error while ", what));
}

hid_t checked(hid_t id, const std::string& what) {
  if (id < 0) throw IOError(cat("HDF5 error while ", what));
  return id;
}

/// Closes an HDF5 handle when it goes out of scope.
struct Handle {
  hid_t id;
  herr_t (*close)(hid_t);
  ~Handle() {
    if (id >= 0) close(id);
  }
};

hid_t h5_type_for(DType d) {
  switch (d) {
    case DType::float32: return H5T_IEEE_F32LE;
    case DType::float64: return H5T_IEEE_F64LE;
    case DType::int32: return H5T_STD_I32LE;
    case DType::int64: return H5T_STD_I64LE;
    case DType::uint8: return H5T_STD_U8LE;
    case DType::bool_: return H5T_STD_U8LE;
    case DType::float16: return H5T_IEEE_F32LE;  // widened below
    case DType::bfloat16: return H5T_IEEE_F32LE;
    case DType::string: break;  // refused by write_dataset
  }
  return H5T_IEEE_F32LE;
}

hid_t vlen_string_type(bool utf8) {
  hid_t t = checked(H5Tcopy(H5T_C_S1), "creating a string type");
  check(H5Tset_size(t, H5T_VARIABLE), "creating a string type");
  check(H5Tset_cset(t, utf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII), "creating a string type");
  check(H5Tset_strpad(t, H5T_STR_NULLTERM), "creating a string type");
  return t;
}

}  // namespace

Writer::Writer(const std::string& name) : name_(name) {
  std::lock_guard<std::recursive_mutex> lock(h5_mutex());
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions, not stderr noise
  hid_t fapl = checked(H5Pcreate(H5P_FILE_ACCESS), "creating file properties");
  Handle fapl_h{fapl, H5Pclose};
  check(H5Pset_fapl_core(fapl, 1 << 20, 0), "choosing the in-memory driver");
  check(H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG), "setting the close degree");
  id_ = checked(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl), "creating " + name);
  const hid_t id = id_;
  file_ = std::shared_ptr<void>(reinterpret_cast<void*>(1), [id](void*) {
    std::lock_guard<std::recursive_mutex> lock(h5_mutex());
    H5Fclose(id);
  });
}

Writer::~Writer() = default;

WriteGroup Writer::root() const {
  std::lock_guard<std::recursive_mutex> lock(h5_mutex());
  return WriteGroup(file_, checked(H5Gopen2(id_, "/", H5P_DEFAULT), "opening /"));
}

std::vector<uint8_t> Writer::bytes() {
  std::lock_guard<std::recursive_mutex> lock(h5_mutex());
  check(H5Fflush(id_, H5F_SCOPE_GLOBAL), "flushing " + name_);
  const ssize_t size = H5Fget_file_image(id_, nullptr, 0);
  if (size < 0) throw IOError("HDF5 error while sizing " + name_);
  std::vector<uint8_t> out(static_cast<size_t>(size));
  if (H5Fget_file_image(id_, out.data(), out.size()) < 0) throw IOError("HDF5 error while reading back " + name_);
  return out;
}

WriteGroup::WriteGroup(std::shared_ptr<void> file, int64_t id)
    : file_(std::move(file)), handle_(static_cast<void*>(nullptr), [id](void*) {
        std::lock_guard<std::recursive_mutex> lock(h5_mutex());
        H5Gclose(static_cast<hid_t>(id));
      }),
      id_(id) {}

WriteGroup WriteGroup::create_group(const std::string& name) const {
  std::lock_guard<std::recursive_mutex> lock(h5_mutex());
  // A path ("cells/gru_cell") creates the groups on the way that are still missing.
  Handle lcpl{checked(H5Pcreate(H5P_LINK_CREATE), "creating a link property list"), H5Pclose};
  checked(H5Pset_create_intermediate_group(static_cast<hid_t>(lcpl.id), 1), "setting intermediate groups");
  const hid_t g =
      checked(H5Gcreate2(static_cast<hid_t>(id_), name.c_str(), static_cast<hid_t>(lcpl.id), H5P_DEFAULT, H5P_DEFAULT),
              "creating group " + name);
  return WriteGroup(file_, g);
}

void WriteGroup::write_dataset(const std::string& name, const Tensor& value_in) const {
  std::lock_guard<std::recursive_mutex> lock(h5_mutex());
  Tensor value = value_in.to(Device::cpu());
  if (value.dtype() == DType::float16 || value.dtype() == DType::bfloat16) value = value.astype(DType::float32);
  // Keras keeps strings (a lookup layer's vocabulary) in assets, never in weight datasets.
  if (value.dtype() == DType::string)
    throw TypeError(cat("Cannot save the string tensor \"", name, "\" of shape ", value.shape().to_string(),
                        " as an HDF5 dataset: only numeric tensors are weights"));
  std::vector<hsize_t> dims(value.shape().begin(), value.shape().end());
  Handle space{checked(dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
                       "creating a dataspace"),
               H5Sclose};
  const hid_t type = h5_type_for(value.dtype());
  Handle ds{checked(H5Dcreate2(static_cast<hid_t>(id_), name.c_str(), type, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                    "creating dataset " + name),
            H5Dclose};
  if (value.size() > 0)
    check(H5Dwrite(ds.id, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, value.raw_data()), "writing dataset " + name);
}

void WriteGroup::set_attribute(const std::string& name, const std::string& value, bool utf8) const {
  std::lock_guard<std::recursive_mutex> lock(h5_mutex());
  Handle type{vlen_string_type(utf8), H5Tclose};
  Handle space{checked(H5Screate(H5S_SCALAR), "creating a dataspace"), H5Sclose};
  Handle attr{checked(H5Acreate2(static_cast<hid_t>(id_), name.c_str(), type.id, space.id, H5P_DEFAULT, H5P_DEFAULT),
                      "creating attribute " + name),
              H5Aclose};
  const char* p = value.c_str();
  check(H5Awrite(attr.id, type.id, &p), "writing attribute " + name);
}

void WriteGroup::set_attribute(const std::string& name, const std::vector<std::string>& values) const {
  std::lock_guard<std::recursive_mutex> lock(h5_mutex());
  const hsize_t n = values.size();
  Handle space{checked(H5Screate_simple(1, &n, nullptr), "creating a dataspace"), H5Sclose};
  if (values.empty()) {  // Keras (through h5py) stores an empty list as an empty float64 array
    Handle attr{checked(H5Acreate2(static_cast<hid_t>(id_), name.c_str(), H5T_IEEE_F64LE, space.id, H5P_DEFAULT, H5P_DEFAULT),
                        "creating attribute " + name),
                H5Aclose};
    return;
  }
  Handle type{vlen_string_type(false), H5Tclose};
  Handle attr{checked(H5Acreate2(static_cast<hid_t>(id_), name.c_str(), type.id, space.id, H5P_DEFAULT, H5P_DEFAULT),
                      "creating attribute " + name),
              H5Aclose};
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  check(H5Awrite(attr.id, type.id, ptrs.data()), "writing attribute " + name);
}

}  // namespace keras::saving::hdf5
