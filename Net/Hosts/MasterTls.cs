using System.Net;
using System.Net.NetworkInformation;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using MiniMesos.Net.Master;
using MiniMesos.Net.Raft;
using MiniMesos.Net.Security;
using MiniMesos.Net.Wire;

namespace MiniMesos.Net.Hosts;

/// <summary>
/// A master's TLS: its server certificate (cluster port and API), what it trusts when it dials other masters, and the
/// upkeep run about once a second: the leader of a cluster without a CA creates one; every master pins the state's CA,
/// writes it to &lt;data-dir&gt;/ca.pem (for `minimesos ca show` and curl --cacert) and renews its certificate from it.
/// </summary>
internal sealed class MasterTls
{
    public const string CaFile = "ca.pem";
    /// <summary>The current agent secret (mode 0600, beside the admin token): what `minimesos token show --agent` prints.</summary>
    public const string AgentTokenFile = "agent-token";
    private readonly MasterOptions _options;
    private readonly ClusterSecret _secret;
    private readonly ILogger _logger;
    private string? _complaint;
    private string? _written;
    private string? _agentWritten;
    private string? _adminWritten;
    private readonly string? _tokenPin;

    public MasterTls(MasterOptions options, ClusterSecret secret, ulong nodeId, ILogger logger)
    {
        _options = options;
        _secret = secret;
        _logger = logger;
        Server = new ServerCertificate($"minimesos master {nodeId}", Names(options), options.CertLifetime ?? ClusterCa.DefaultServerLifetime, TimeProvider.System);
        // Masters accept each other's self-signed certificates (one that has no CA yet still has to receive it): the
        // handshake's proofs cover the certificate, so a relay with its own cannot pass them on. Otherwise they trust the
        // CA of their replicated state (authenticated by Raft among masters that proved the secret), or of their mm1 token.
        _tokenPin = secret.CaFingerprint;
        _adminWritten = secret.Token;
        Trust = new CaTrust(secret.CaFingerprint, null, acceptSelfSigned: true);
    }

    public ServerCertificate Server { get; }

    /// <summary>The role-scoped secrets, whose agent secret is kept in &lt;data-dir&gt;/agent-token.</summary>
    public RoleSecrets? Roles { get; set; }

    /// <summary>The cluster CA's fingerprint once this master knows it (mDNS advertises it).</summary>
    public string? Fingerprint { get; private set; }
    public CaTrust Trust { get; }
    public ClusterTls Cluster => new(Server, Trust);

    public async Task MaintainAsync(MasterService service, CancellationToken cancellationToken)
    {
        try
        {
            await service.EnsureClusterCaAsync(() => ClusterCa.Create(_options.ClusterName, AdminKey, DateTimeOffset.UtcNow), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (NotLeaderException)
        {
        }
        if (service.ClusterCa is not { } ca) return;
        var fingerprint = ClusterCa.Fingerprint(ca.Certificate);
        if (_tokenPin is { } pinned && pinned != fingerprint)
        {
            Complain($"the cluster state's CA is {fingerprint}, but this master's token pins {pinned}: " +
                "it keeps its current certificate; check that it joined the right cluster (or give it the cluster's token)");
            return;
        }
        Trust.Pin(fingerprint);
        Fingerprint = fingerprint;
        WriteCaFile(ca.Certificate, fingerprint);
        WriteAdminToken(fingerprint);
        WriteAgentToken();
        try
        {
            if (Server.Refresh(ca, AdminKey) is { } issued)
                _logger.LogInformation("TLS: server certificate from cluster CA {Fingerprint} valid until {NotAfter:u} (renewed from {RenewAt:u})",
                    fingerprint, issued.NotAfter, issued.RenewAt);
        }
        catch (CryptographicException e)
        {
            Complain($"TLS: {e.Message}; this master keeps its current certificate");
        }
    }

    private void WriteCaFile(byte[] certificate, string fingerprint)
    {
        if (_written == fingerprint) return;
        try
        {
            var path = Path.Combine(_options.DataDir, CaFile);
            File.WriteAllText(path + ".tmp", ClusterCa.Pem(certificate));
            File.Move(path + ".tmp", path, overwrite: true);
            _written = fingerprint;
            _logger.LogInformation("TLS: cluster CA {Fingerprint} in {Path} (`minimesos ca show`; `minimesos token show` prints the tokens that pin it)",
                fingerprint, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Complain($"cannot write {CaFile} in {_options.DataDir}: {e.Message}");
        }
    }

    /// <summary>The current admin secret: the token file's until a rotation replaces it.</summary>
    private byte[] AdminKey => Roles?.Admin.Key ?? _secret.Key;

    /// <summary>
    /// After a rotation: the new admin token, pinned to the CA (mm1), into &lt;data-dir&gt;/token (mode 0600): what `token show
    /// --admin` prints and a restart reads.
    /// </summary>
    private void WriteAdminToken(string fingerprint)
    {
        if (Roles is null) return;
        if (Roles.AdminProblem is { } problem) Complain($"admin token: {problem}");
        var admin = Roles.Admin.Token;
        if (admin == _adminWritten) return;
        var path = Path.Combine(_options.DataDir, ClusterSecret.FileName);
        if (!WritePrivate(path, Roles.Admin.Pinned(fingerprint))) return;
        _adminWritten = admin;
        _logger.LogWarning("the admin token was rotated: the new one is in {Path} (`minimesos token show --admin` prints it); the previous one is " +
            "refused from now on, except on a known master's link for {Grace} h (it catches up with the log and takes the new one){Given}", path,
            Roles.PreviousGrace.TotalHours.ToString("0.##", System.Globalization.CultureInfo.InvariantCulture), _secret.Source == path ? "" : $". This master was started with {_secret.Source}: replace it with the new token before its next start");
    }

    private bool WritePrivate(string path, string token)
    {
        try
        {
            File.Delete(path + ".tmp");
            using (var stream = new FileStream(path + ".tmp", new FileStreamOptions
                   {
                       Mode = FileMode.CreateNew,
                       Access = FileAccess.Write,
                       UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                   }))
            using (var writer = new StreamWriter(stream))
            {
                writer.WriteLine(token);
            }
            File.Move(path + ".tmp", path, overwrite: true);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Complain($"cannot write {Path.GetFileName(path)} in {_options.DataDir}: {e.Message}");
            return false;
        }
    }

    private void WriteAgentToken()
    {
        if (Roles is null) return;
        if (Roles.AgentToken is not { } agent)
        {
            Complain($"agent tokens refused: {Roles.Problem}");
            return;
        }
        if (agent == _agentWritten) return;
        if (!WritePrivate(Path.Combine(_options.DataDir, AgentTokenFile), agent)) return;
        if (_agentWritten is not null) _logger.LogInformation("the agent token changed (rotated): `minimesos token show --agent` prints the new one");
        _agentWritten = agent;
    }

    private void Complain(string message)
    {
        if (message == _complaint) return;
        _complaint = message;
        _logger.LogError("{Message}", message);
    }

    /// <summary>What the certificate names: the advertised host, this machine's names and addresses, loopback.</summary>
    private static List<string> Names(MasterOptions options)
    {
        var names = new List<string> { options.AdvertiseHost, "localhost", "127.0.0.1", "::1" };
        try
        {
            var host = Dns.GetHostName();
            names.Add(host);
            if (!host.Contains('.')) names.Add(host + ".local");
        }
        catch (System.Net.Sockets.SocketException)
        {
        }
        foreach (var endpoint in new[] { options.ApiEndpoint, options.ClusterEndpoint })
            if (!endpoint.Address.Equals(IPAddress.Any) && !endpoint.Address.Equals(IPAddress.IPv6Any)) names.Add(endpoint.Address.ToString());
        try
        {
            foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
                foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
                    if (!unicast.Address.IsIPv6LinkLocal) names.Add(unicast.Address.ToString());
        }
        catch (NetworkInformationException)
        {
        }
        return names;
    }
}
