# sos report plugin for nvme_mpath (https://github.com/sosreport/sos).
#
# Installed by the nvme-mpath-tools package into sos's plugin directory,
# /usr/lib/python3/dist-packages/sos/report/plugins/ on Debian and Ubuntu
# (<python3 sitelib>/sos/report/plugins/ elsewhere): sos finds plugins only
# there.  Enabled when nvme-mpath-tools or nvme-mpath-dkms is installed or the
# nvme_mpath module is loaded; `sos report -o nvme_mpath` runs it alone.
#
# This copyrighted material is made available to anyone wishing to use,
# modify, copy, or redistribute it subject to the terms and conditions of
# version 2 of the GNU General Public License.

from sos.report.plugins import Plugin, RedHatPlugin, DebianPlugin, UbuntuPlugin


# Distribution tags, not IndependentPlugin: sos 4.0 (Debian 12) loads only
# DebianPlugin subclasses on Debian.
class NvmeMpath(Plugin, RedHatPlugin, DebianPlugin, UbuntuPlugin):

    short_desc = 'NVMe multipath for kernels without native multipath (nvme_mpath)'

    plugin_name = 'nvme_mpath'
    profiles = ('storage', 'hardware')
    packages = ('nvme-mpath-tools', 'nvme-mpath-dkms')
    kernel_mods = ('nvme_mpath',)

    # DH-CHAP and TLS keys: never collected, values redacted where they appear
    secret_files = [
        '/etc/nvme/*key*',
        '/sys/class/nvme/*/dhchap_*',
        '/sys/class/nvme/*/tls*key*',
        '/sys/block/mpnvme*/mpath/*dhchap*',
        '/sys/block/mpnvme*/mpath/paths/*/*dhchap*',
    ]
    secret_value = (r'(?i)((dhchap[_-](ctrl[_-])?(secret|key)|tls[_-]key)'
                    r'["\']?\s*[:=]\s*["\']?)[^\s"\',;}]+')
    secret_string = r'(DHHC-1|NVMeTLSkey-1):[^\s"\',;}]+'

    def setup(self):
        self.add_forbidden_path(self.secret_files)

        self.add_cmd_output([
            'nvme-mpath list',
            'nvme-mpath list -o json',
        ])

        self.add_copy_spec([
            '/sys/block/mpnvme*/mpath',
            '/sys/module/nvme_mpath/version',
            '/sys/module/nvme_mpath/srcversion',
            '/sys/module/nvme_mpath/parameters',
            '/etc/nvme-mpath',
            '/etc/modprobe.d/nvme-mpath.conf',
            '/lib/modprobe.d/nvme-mpath.conf',
        ])

    def postproc(self):
        for sub in ((self.secret_value, r'\1********'),
                    (self.secret_string, r'\1:********')):
            self.do_cmd_output_sub('nvme-mpath', *sub)
            self.do_path_regex_sub(r'/(sys|etc)/.*', *sub)

# vim: set et ts=4 sw=4 :
