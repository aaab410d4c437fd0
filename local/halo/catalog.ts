/** Realistic names for generated Halo issues: one entry per rule a real Halo account reports. */

export interface VulnerablePackage {
  name: string;
  version: string;
  cves: { id: string; cvss: number }[];
  remote: boolean;
}

export const VULNERABLE_PACKAGES: readonly VulnerablePackage[] = [
  { name: 'openssl', version: '1.1.1k-1', cves: [{ id: 'CVE-2023-0286', cvss: 7.4 }, { id: 'CVE-2022-0778', cvss: 7.5 }], remote: true },
  { name: 'sudo', version: '1.8.31-1ubuntu1', cves: [{ id: 'CVE-2021-3156', cvss: 7.8 }], remote: false },
  { name: 'openssh-server', version: '1:8.9p1-3', cves: [{ id: 'CVE-2024-6387', cvss: 8.1 }], remote: true },
  { name: 'glibc', version: '2.35-0ubuntu3', cves: [{ id: 'CVE-2023-4911', cvss: 7.8 }], remote: false },
  { name: 'curl', version: '7.81.0-1', cves: [{ id: 'CVE-2023-38545', cvss: 9.8 }, { id: 'CVE-2023-38546', cvss: 3.7 }], remote: true },
  { name: 'policykit-1', version: '0.105-26', cves: [{ id: 'CVE-2021-4034', cvss: 7.8 }], remote: false },
  { name: 'zlib1g', version: '1:1.2.11.dfsg-2', cves: [{ id: 'CVE-2022-37434', cvss: 9.8 }], remote: true },
  { name: 'bash', version: '4.3-7ubuntu1', cves: [{ id: 'CVE-2014-6271', cvss: 9.8 }], remote: true },
  { name: 'nginx', version: '1.18.0-6', cves: [{ id: 'CVE-2021-23017', cvss: 7.7 }], remote: true },
  { name: 'libgcrypt20:amd64', version: '1.8.1-4', cves: [{ id: 'CVE-2019-13627', cvss: 6.3 }], remote: false },
  { name: 'log4j-core', version: '2.14.1', cves: [{ id: 'CVE-2021-44228', cvss: 10 }, { id: 'CVE-2021-45046', cvss: 9 }], remote: true },
  { name: 'xz-utils', version: '5.6.0-0.2', cves: [{ id: 'CVE-2024-3094', cvss: 10 }], remote: true },
];

/** CIS-benchmark style server configuration rules (csm), with the check behind each. */
export const CSM_RULES: readonly { name: string; cis: string; target: string; expected: string; actual: string }[] = [
  { name: 'Ensure SSH root login is disabled', cis: '5.2.8', target: '/etc/ssh/sshd_config', expected: 'PermitRootLogin no', actual: 'PermitRootLogin yes' },
  { name: 'Ensure password expiration is 365 days or less', cis: '5.4.1.1', target: '/etc/login.defs', expected: 'PASS_MAX_DAYS <= 365', actual: 'PASS_MAX_DAYS 99999' },
  { name: 'Ensure permissions on /etc/shadow are configured', cis: '6.1.3', target: '/etc/shadow', expected: '0640', actual: '0644' },
  { name: 'Ensure auditd service is enabled', cis: '4.1.1.2', target: 'auditd', expected: 'enabled', actual: 'disabled' },
  { name: 'Ensure IP forwarding is disabled', cis: '3.1.1', target: 'net.ipv4.ip_forward', expected: '0', actual: '1' },
  { name: 'Ensure SSH MaxAuthTries is set to 4 or less', cis: '5.2.7', target: '/etc/ssh/sshd_config', expected: 'MaxAuthTries <= 4', actual: 'MaxAuthTries 6' },
  { name: 'Ensure mounting of cramfs filesystems is disabled', cis: '1.1.1.1', target: 'cramfs', expected: 'install /bin/true', actual: 'module loadable' },
  { name: 'Ensure telnet client is not installed', cis: '2.3.4', target: 'telnet', expected: 'not installed', actual: 'installed' },
];

export const CLOUD_RULES: readonly { name: string; service: string; resourceType: string; ruleId: string }[] = [
  { name: 'S3 bucket allows public read access', service: 's3', resourceType: 'bucket', ruleId: 'aws-s3-001' },
  { name: 'Security group allows ingress from 0.0.0.0/0 to port 22', service: 'ec2', resourceType: 'security-group', ruleId: 'aws-ec2-012' },
  { name: 'CloudTrail is not enabled in all regions', service: 'cloudtrail', resourceType: 'trail', ruleId: 'aws-cloudtrail-001' },
  { name: 'IAM root account has active access keys', service: 'iam', resourceType: 'root-account', ruleId: 'aws-iam-004' },
  { name: 'EBS volume is not encrypted', service: 'ec2', resourceType: 'volume', ruleId: 'aws-ec2-031' },
  { name: 'RDS instance is publicly accessible', service: 'rds', resourceType: 'db', ruleId: 'aws-rds-002' },
];

/** File integrity monitoring targets (fim). */
export const FIM_PATHS: readonly string[] = [
  '/etc/passwd',
  '/etc/shadow',
  '/etc/ssh/sshd_config',
  '/usr/bin/sudo',
  '/etc/crontab',
  '/root/.ssh/authorized_keys',
  '/etc/hosts',
  '/etc/pam.d/common-auth',
];

/** Log intrusion detection rules (lids), with a log line that triggers each. */
export const LIDS_RULES: readonly { name: string; log: string }[] = [
  { name: 'Software was installed', log: 'dpkg: status installed netcat-traditional:amd64 1.10-46' },
  { name: 'Root login via SSH', log: 'sshd[2211]: Accepted publickey for root from 203.0.113.7 port 50122 ssh2' },
  { name: 'Multiple failed SSH logins', log: 'sshd[8812]: Failed password for invalid user admin from 198.51.100.23 port 41822 ssh2' },
  { name: 'User added to sudoers', log: 'usermod[3321]: add \'deploy\' to group \'sudo\'' },
  { name: 'Audit log cleared', log: 'auditd[901]: Audit daemon rotating log files with keep option' },
];

export const SAM_RULES: readonly string[] = ['Inactive account: backup', 'Account with empty password: ftp', 'Account with UID 0: toor', 'Password never expires: svc-deploy'];
export const FW_RULES: readonly string[] = ['Firewall policy modified outside Halo', 'Firewall rule allows any inbound traffic'];
export const AGENT_RULES: readonly string[] = ['Daemon self-verification failed', 'Agent has not reported in 24 hours'];

export const GROUPS: readonly { name: string; path: string }[] = [
  { name: 'Payments Production', path: 'Acme/Production/Payments Production' },
  { name: 'BU01 Docker Hosts', path: 'Acme/Production/BU01 Docker Hosts' },
  { name: 'Web Tier', path: 'Acme/Production/Web Tier' },
  { name: 'Staging', path: 'Acme/Non-Production/Staging' },
  { name: 'Build Agents', path: 'Acme/Non-Production/Build Agents' },
];

export const PLATFORMS: readonly { platform: string; version: string; kernel: string }[] = [
  { platform: 'ubuntu', version: '22.04', kernel: '5.15.0-1051-aws' },
  { platform: 'amazon', version: '2023', kernel: '6.1.66-91.160.amzn2023.x86_64' },
  { platform: 'rhel', version: '8.9', kernel: '4.18.0-513.el8.x86_64' },
  { platform: 'debian', version: '12', kernel: '6.1.0-17-cloud-amd64' },
];

export const REGIONS: readonly string[] = ['eu-west-1', 'us-east-1', 'us-west-2', 'ap-southeast-2'];
export const REPOSITORIES: readonly string[] = ['payments/api', 'web/frontend', 'platform/nginx-ingress', 'data/etl-worker'];
