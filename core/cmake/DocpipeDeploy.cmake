# What an installed docpipe needs beside the executable and plugins, where the
# examples point:
#   share/docpipe/pipelines/         the pipeline definitions and their schema
#   lib/systemd/system/              docpipe-annual-reports.service and .timer
#   lib/sysusers.d, lib/tmpfiles.d   the unprivileged user `docpipe` and its output folder
#   share/doc/docpipe/examples/      the crontab line
#   share/man/man1/docpipe.1         man page made from --help by help2man (when found)
#   share/bash-completion/completions/docpipe
#   share/doc/docpipe/LICENSE
# The unit and the crontab line name /usr/local/bin/docpipe and
# /usr/local/share/docpipe; they are installed with the prefix of the install.
include(GNUInstallDirs)

install(FILES pipelines/annual-reports.xml pipelines/pipeline.rng
        DESTINATION "${CMAKE_INSTALL_DATADIR}/docpipe/pipelines")
install(FILES completions/docpipe.bash DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions"
        RENAME docpipe)
install(FILES LICENSE DESTINATION "${CMAKE_INSTALL_DOCDIR}")
# Cluster runs (docs/cluster.md): a Slurm job array and a Kubernetes Indexed Job.
install(PROGRAMS pipelines/slurm/docpipe-shard.sbatch pipelines/slurm/docpipe-merge.sbatch pipelines/slurm/submit.sh
        DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples/slurm")
install(FILES pipelines/kubernetes/docpipe-shards.yaml pipelines/kubernetes/docpipe-merge.yaml
        DESTINATION "${CMAKE_INSTALL_DOCDIR}/examples/kubernetes")
install(FILES pipelines/docpipe.sysusers DESTINATION lib/sysusers.d RENAME docpipe.conf)
install(FILES pipelines/docpipe.tmpfiles DESTINATION lib/tmpfiles.d RENAME docpipe.conf)

# The scheduler files, with the install's own paths in place of /usr/local.
set(docpipe_sched_files pipelines/docpipe-annual-reports.service pipelines/docpipe-annual-reports.timer
                        pipelines/docpipe-annual-reports.cron)
foreach(f IN LISTS docpipe_sched_files)
  get_filename_component(name "${f}" NAME)
  if(name MATCHES "\\.cron$")
    set(dest "${CMAKE_INSTALL_DOCDIR}/examples")
  else()
    set(dest "lib/systemd/system")
  endif()
  install(CODE "
    set(prefix \"\${CMAKE_INSTALL_PREFIX}\")
    file(READ \"${CMAKE_SOURCE_DIR}/${f}\" text)
    string(REPLACE \"/usr/local/bin/docpipe\" \"\${prefix}/${CMAKE_INSTALL_BINDIR}/docpipe\" text \"\${text}\")
    string(REPLACE \"/usr/local/share/docpipe\" \"\${prefix}/${CMAKE_INSTALL_DATADIR}/docpipe\" text \"\${text}\")
    set(to \"\$ENV{DESTDIR}\${prefix}/${dest}/${name}\")
    message(STATUS \"Installing: \${to}\")
    file(WRITE \"\${to}\" \"\${text}\")")
endforeach()

# The man page, generated from the help of the command and its subcommands.
find_program(HELP2MAN help2man)
if(HELP2MAN)
  set(man "${CMAKE_BINARY_DIR}/${CMAKE_INSTALL_MANDIR}/man1/docpipe.1")
  add_custom_command(OUTPUT "${man}"
                     COMMAND ${CMAKE_COMMAND} -DDOCPIPE=$<TARGET_FILE:docpipe> -DHELP2MAN=${HELP2MAN} -DOUT=${man}
                             -DWORK=${CMAKE_BINARY_DIR}/man-work -P ${CMAKE_SOURCE_DIR}/core/cmake/docpipe_man.cmake
                     DEPENDS docpipe ${CMAKE_SOURCE_DIR}/core/cmake/docpipe_man.cmake
                     COMMENT "Generating the man page docpipe.1 with help2man")
  add_custom_target(docpipe-man ALL DEPENDS "${man}")
  install(FILES "${man}" DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
else()
  message(STATUS "help2man not found: no man page (Debian package help2man)")
endif()
