# Turns the complete programs of a guide page into source files: every ```cpp block that
# contains `int main` becomes <out_dir>/<name>_<n>.cpp (n = 1, 2, ... in page order),
# starting with a #line directive so that compiler errors point into the Markdown page.
# A ```cpp block without `int main` is a fragment and is left out. A file is rewritten
# only when its text changed, so editing one sample recompiles only that sample.
#
# Configure time (docs/guide/CMakeLists.txt):
#   include(extract_samples.cmake)
#   keras_guide_extract(<page.md> <name> <out_dir> <files_var>)
# Script mode (same result, for running by hand):
#   cmake -DPAGE=<page.md> -DNAME=<name> -DOUT_DIR=<dir> -P extract_samples.cmake

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  cmake_minimum_required(VERSION 3.25)  # the project's policies, which script mode lacks
endif()

function(keras_guide_write_if_changed path text)
  if(EXISTS "${path}")
    file(READ "${path}" old)
    if(old STREQUAL text)
      return()
    endif()
  endif()
  file(WRITE "${path}" "${text}")
endfunction()

# Counts the newlines of `text` into `out`.
function(keras_guide_count_lines text out)
  string(REGEX MATCHALL "\n" newlines "${text}")
  list(LENGTH newlines count)
  set(${out} ${count} PARENT_SCOPE)
endfunction()

function(keras_guide_extract page name out_dir files_var)
  file(READ "${page}" rest)
  # A leading newline lets a fence on the first line match "\n```cpp\n". Invariant: the
  # first character of `rest` lies on line `line` of the page.
  set(rest "\n${rest}")
  set(line 0)
  set(n 0)
  set(files "")
  file(MAKE_DIRECTORY "${out_dir}")
  while(TRUE)
    string(FIND "${rest}" "\n```cpp\n" open)
    if(open EQUAL -1)
      break()
    endif()
    math(EXPR body_start "${open} + 8")
    string(SUBSTRING "${rest}" 0 ${body_start} consumed)
    string(SUBSTRING "${rest}" ${body_start} -1 rest)
    keras_guide_count_lines("${consumed}" k)
    math(EXPR line "${line} + ${k}")
    set(body_line ${line})
    string(FIND "${rest}" "\n```" close)
    if(close EQUAL -1)
      message(FATAL_ERROR "${page}:${body_line}: a ```cpp block is never closed")
    endif()
    string(SUBSTRING "${rest}" 0 ${close} body)
    math(EXPR after "${close} + 4")
    string(SUBSTRING "${rest}" ${after} -1 rest)
    keras_guide_count_lines("${body}\n" k)
    math(EXPR line "${line} + ${k}")
    if(body MATCHES "int main")
      math(EXPR n "${n} + 1")
      set(file "${out_dir}/${name}_${n}.cpp")
      keras_guide_write_if_changed("${file}"
        "// Extracted from ${page} by docs/guide/extract_samples.cmake; edit the page, not this file.\n#line ${body_line} \"${page}\"\n${body}\n")
      list(APPEND files "${file}")
    endif()
  endwhile()
  set(${files_var} "${files}" PARENT_SCOPE)
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  if(NOT DEFINED NAME OR NOT DEFINED OUT_DIR)
    message(FATAL_ERROR "usage: cmake -DPAGE=<page.md> -DNAME=<name> -DOUT_DIR=<dir> -P extract_samples.cmake")
  endif()
  keras_guide_extract("${PAGE}" "${NAME}" "${OUT_DIR}" files)
  foreach(f IN LISTS files)
    message(STATUS "${f}")
  endforeach()
endif()
