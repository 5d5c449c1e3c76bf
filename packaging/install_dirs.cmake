# Where `cmake --install` puts what is not a binary or a man page (GNUInstallDirs covers those):
# the systemd unit, the sysusers.d file and the bash completions. Each comes from the
# pkg-config file of the program that reads it (systemd.pc, bash-completion.pc), evaluated
# with a placeholder prefix, so that a directory under the prefix stays relative to it and
# `cmake --install build --prefix DIR` relocates it. Without pkg-config (or the .pc file) the
# usual relative defaults apply. Each is a cache variable: -DNETSNAP_INSTALL_SYSTEMDUNITDIR=...
include(GNUInstallDirs)
find_package(PkgConfig QUIET)

set(netsnap_prefix_placeholder "/netsnap-install-prefix")

# netsnap_pkg_config_dir(OUT MODULE VARIABLE FALLBACK): MODULE's VARIABLE, relative to the
# install prefix when it lies under it, else absolute; FALLBACK when pkg-config cannot say.
function(netsnap_pkg_config_dir out module variable fallback)
  set(dir "${fallback}")
  if(PKG_CONFIG_FOUND)
    execute_process(
      COMMAND "${PKG_CONFIG_EXECUTABLE}" "--variable=${variable}"
              "--define-variable=prefix=${netsnap_prefix_placeholder}"
              "--define-variable=root_prefix=${netsnap_prefix_placeholder}"
              "--define-variable=datadir=${netsnap_prefix_placeholder}/share"
              "${module}"
      OUTPUT_VARIABLE value OUTPUT_STRIP_TRAILING_WHITESPACE
      RESULT_VARIABLE failed ERROR_QUIET)
    if(NOT failed AND value)
      string(REPLACE "${netsnap_prefix_placeholder}/" "" dir "${value}")
    endif()
  endif()
  set(${out} "${dir}" PARENT_SCOPE)
endfunction()

netsnap_pkg_config_dir(systemd_unit_dir systemd systemdsystemunitdir lib/systemd/system)
netsnap_pkg_config_dir(sysusers_dir systemd sysusersdir lib/sysusers.d)
netsnap_pkg_config_dir(completions_dir bash-completion completionsdir
                       ${CMAKE_INSTALL_DATADIR}/bash-completion/completions)
set(NETSNAP_INSTALL_SYSTEMDUNITDIR "${systemd_unit_dir}" CACHE STRING
    "systemd system unit directory (relative to the install prefix unless absolute)")
set(NETSNAP_INSTALL_SYSUSERSDIR "${sysusers_dir}" CACHE STRING
    "sysusers.d directory (relative to the install prefix unless absolute)")
set(NETSNAP_INSTALL_BASHCOMPLETIONDIR "${completions_dir}" CACHE STRING
    "bash-completion's completions directory (relative to the install prefix unless absolute)")
