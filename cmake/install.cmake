# Install rules: headers, the converter library, the CLI and C library when built, and a
# find_package(smcache) config so another project can target_link_libraries(x smcache::reader).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY format/include/ reader/include/ converter/include/
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})

set(_smcache_targets smcache_format smcache_reader smcache_converter)
install(TARGETS ${_smcache_targets} EXPORT smcacheTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The warnings target is PRIVATE to ours but still part of the export set of a static library.
install(TARGETS smcache_warnings EXPORT smcacheTargets)
if(TARGET smcache)
  install(TARGETS smcache RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
if(TARGET smcache_c)
  install(TARGETS smcache_c EXPORT smcacheTargets
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/bindings/c/include/smcache.h)
    install(FILES bindings/c/include/smcache.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  endif()
endif()

install(EXPORT smcacheTargets NAMESPACE smcache::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/smcache)
configure_package_config_file(cmake/smcacheConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/smcacheConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/smcache)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/smcacheConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/smcacheConfig.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/smcacheConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/smcache)
