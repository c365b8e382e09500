# Install rules, the CMake package (find_package(KerasCpp)), pkg-config file and .deb.
#
#   cmake --install build --prefix /opt/keras-cpp
#   find_package(KerasCpp REQUIRED) -> KerasCpp::keras (shared when installed, else static)
#                                      KerasCpp::keras_static
#   pkg-config --cflags --libs keras-cpp          (shared)
#   pkg-config --static --cflags --libs keras-cpp (static)
include(CMakePackageConfigHelpers)
set(KERAS_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/KerasCpp)

install(DIRECTORY include/keras DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} FILES_MATCHING PATTERN "*.h")

# The static archive and the shared library go in separate export sets: the static
# one names oneDNN, HDF5, libzip and zlib as link dependencies, so the package config
# loads it only when those are found on the user's machine.
set_target_properties(keras PROPERTIES EXPORT_NAME keras_static)
install(TARGETS keras EXPORT KerasCppStaticTargets ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(EXPORT KerasCppStaticTargets NAMESPACE KerasCpp:: DESTINATION ${KERAS_CMAKE_DIR})
if(TARGET keras_shared)
  set_target_properties(keras_shared PROPERTIES EXPORT_NAME keras)
  install(TARGETS keras_shared EXPORT KerasCppTargets
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} NAMELINK_COMPONENT Unspecified)
  install(EXPORT KerasCppTargets NAMESPACE KerasCpp:: DESTINATION ${KERAS_CMAKE_DIR})
endif()
configure_package_config_file(cmake/KerasCppConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/KerasCppConfig.cmake INSTALL_DESTINATION ${KERAS_CMAKE_DIR})
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/KerasCppConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/KerasCppConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/KerasCppConfigVersion.cmake
        DESTINATION ${KERAS_CMAKE_DIR})

# pkg-config: Requires.private/Libs.private carry what a static link needs.
set(KERAS_PC_LIBS_PRIVATE "-ldnnl")
if(KERAS_OPENMP)
  string(APPEND KERAS_PC_LIBS_PRIVATE " -fopenmp")
endif()
if(KERAS_HAS_CUDA_BACKEND)
  # cuBLAS and cuDNN are opened at run time; only the CUDA runtime is linked.
  string(APPEND KERAS_PC_LIBS_PRIVATE " -L${CUDAToolkit_LIBRARY_DIR} -lcudart_static -ldl -lrt -lpthread")
endif()
set(KERAS_PC_MPI "")
if(KERAS_HAS_MPI)
  set(KERAS_PC_MPI " ompi-c")
endif()
# The .pc file finds its prefix from its own location, so the tree can be installed
# anywhere (cmake --install --prefix, a .deb, a copied folder).
file(RELATIVE_PATH KERAS_PC_TO_PREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
string(REGEX REPLACE "/$" "" KERAS_PC_TO_PREFIX "${KERAS_PC_TO_PREFIX}")
configure_file(cmake/keras-cpp.pc.in ${CMAKE_CURRENT_BINARY_DIR}/keras-cpp.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/keras-cpp.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# CPack: `cpack -G DEB` in the build folder makes keras-cpp_<version>_<arch>.deb. It
# holds headers and both libraries, so it depends on the -dev packages of everything a
# program built against it needs (the static archive's dependencies included).
set(CPACK_PACKAGE_NAME keras-cpp)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "keras-cpp")
set(CPACK_PACKAGE_CONTACT "keras-cpp maintainers <keras-cpp@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Keras for C++: layers, models, fit, and Keras's file formats")
set(CPACK_DEBIAN_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_DEPENDS
    "libdnnl-dev, libhdf5-dev, libzip-dev, zlib1g-dev, libpng-dev, libjpeg62-turbo-dev, nlohmann-json3-dev, libgomp1, libstdc++6 (>= 12)")
if(KERAS_HAS_MPI)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", libopenmpi-dev")
endif()
set(CPACK_GENERATOR DEB)
include(CPack)
