# Every tests/unit/test_*.c is a cmocka program; every tests/api/test_*.c runs against a real
# server started from the built binary; tests/e2e/*.test.mjs drive Debian's chromium.
file(GLOB UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/unit/test_*.c)
foreach(src IN LISTS UNIT_TESTS)
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE liaison_lib PkgConfig::CMOCKA)
  add_test(NAME unit_${name} COMMAND ${name})
endforeach()

# Servers started by tests inherit this: see tests/lsan.supp for why.
set(SERVER_ENV "LSAN_OPTIONS=suppressions=${CMAKE_SOURCE_DIR}/tests/lsan.supp")

file(GLOB API_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/api/test_*.c)
if(API_TESTS)
  add_library(api_harness STATIC ${CMAKE_SOURCE_DIR}/tests/api/harness.c)
  target_include_directories(api_harness PUBLIC ${CMAKE_SOURCE_DIR}/tests/api ${CMAKE_SOURCE_DIR}/src)
  target_link_libraries(api_harness PUBLIC PkgConfig::CURL PkgConfig::CMOCKA PkgConfig::DEPS)
endif()
foreach(src IN LISTS API_TESTS)
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_link_libraries(${name} PRIVATE api_harness liaison_lib)
  add_test(NAME api_${name} COMMAND ${name})
  set_tests_properties(api_${name} PROPERTIES
    ENVIRONMENT "LIAISON_BIN=$<TARGET_FILE:liaison>;LIAISON_WEB_DIR=${CMAKE_SOURCE_DIR}/web;${SERVER_ENV}"
    TIMEOUT 300)
endforeach()

file(GLOB E2E_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/e2e/*.test.mjs)
foreach(src IN LISTS E2E_TESTS)
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME e2e_${name} COMMAND node --test ${src})
  set_tests_properties(e2e_${name} PROPERTIES
    ENVIRONMENT "LIAISON_BIN=$<TARGET_FILE:liaison>;LIAISON_WEB_DIR=${CMAKE_SOURCE_DIR}/web;${SERVER_ENV}"
    WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
    TIMEOUT 300)
endforeach()

# tests/cli/*.sh drive the binary as an operator would.
file(GLOB CLI_TESTS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/cli/*.sh)
foreach(src IN LISTS CLI_TESTS)
  get_filename_component(name ${src} NAME_WE)
  add_test(NAME cli_${name} COMMAND bash ${src})
  set_tests_properties(cli_${name} PROPERTIES
    ENVIRONMENT "LIAISON_BIN=$<TARGET_FILE:liaison>;LIAISON_WEB_DIR=${CMAKE_SOURCE_DIR}/web;${SERVER_ENV}"
    TIMEOUT 300)
endforeach()
