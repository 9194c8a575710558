namespace MiniMesos.Core.Isolation;

/// <summary>
/// What the agent tells a task's init on its command line. The task's environment travels as init's own
/// environment, so no secrets show up in argv (/proc/pid/cmdline is world-readable). An image task gives
/// <see cref="Overlay"/> (the root-only dir with upper/, work/ and mnt/), its <see cref="Layers"/> (unpacked layer dirs,
/// bottom first) and <see cref="WorkDir"/> (inside the image) instead of a rootfs.
/// </summary>
internal sealed record TaskInitOptions(
    string TaskId,
    string SandboxDir,
    string User,
    IReadOnlyList<RlimitSetting> Rlimits,
    IReadOnlyList<string> Argv,
    bool LoopbackUp = false,
    string? Rootfs = null,
    IReadOnlyDictionary<string, string>? Binds = null,
    bool Joined = false,
    string? MetaDir = null,
    uint? Uid = null,
    long ShmBytes = 0,
    IReadOnlyList<int>? Capabilities = null,
    string? Overlay = null,
    IReadOnlyList<string>? Layers = null,
    string? WorkDir = null)
{
    /// <summary>Where init keeps stdout, stderr and exit_status: the task's root-only directory beside its sandbox.</summary>
    public string ResolvedMetaDir => MetaDir ?? SandboxDir;

    public IReadOnlyList<string> ToArgs()
    {
        var args = new List<string> { "--id", TaskId, "--sandbox", SandboxDir, "--user", User };
        foreach (var r in Rlimits)
        {
            args.Add("--rlimit");
            args.Add(r.ToString());
        }

        if (LoopbackUp)
        {
            args.Add("--loopback");
            args.Add("up");
        }

        if (Joined)
        {
            args.Add("--joined");
            args.Add("yes");
        }

        if (MetaDir is not null)
        {
            args.Add("--meta");
            args.Add(MetaDir);
        }

        if (Uid is { } uid)
        {
            args.Add("--uid");
            args.Add(uid.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (ShmBytes > 0)
        {
            args.Add("--shm");
            args.Add(ShmBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        if (Capabilities is { Count: > 0 } caps)
        {
            args.Add("--caps");
            args.Add(string.Join(',', caps));
        }

        if (Rootfs is not null)
        {
            args.Add("--rootfs");
            args.Add(Rootfs);
        }

        if (Overlay is not null)
        {
            args.Add("--overlay");
            args.Add(Overlay);
            args.Add("--layers");
            args.Add(string.Join(':', Layers ?? [])); // layer dirs are the store's, named by digest: no ':' in them
        }

        if (WorkDir is not null)
        {
            args.Add("--workdir");
            args.Add(WorkDir);
        }

        foreach (var (host, inside) in Binds ?? new Dictionary<string, string>())
        {
            args.Add("--bind");
            args.Add($"{host}:{inside}"); // RootfsPlan refuses ':' in paths
        }

        args.Add("--");
        args.AddRange(Argv);
        return args;
    }

    /// <summary>Hostnames are limited to 64 bytes (HOST_NAME_MAX); longer task ids are cut.</summary>
    public string Hostname => HostnameOf(TaskId);

    public static string HostnameOf(string taskId) => taskId.Length <= 63 ? taskId : taskId[..63];

    /// <summary>Parses what <see cref="ToArgs"/> produced (without the init verb).</summary>
    public static TaskInitOptions Parse(IReadOnlyList<string> args)
    {
        string? id = null, sandbox = null, user = null, rootfs = null, meta = null, overlay = null, workDir = null;
        List<string>? layers = null;
        uint? uid = null;
        long shm = 0;
        List<int>? caps = null;
        Dictionary<string, string>? binds = null;
        var loopback = false;
        var joined = false;
        var rlimits = new List<RlimitSetting>();
        var i = 0;
        for (; i < args.Count && args[i] != "--"; i += 2)
        {
            if (i + 1 >= args.Count)
            {
                throw new FormatException($"option {args[i]} has no value");
            }

            var v = args[i + 1];
            switch (args[i])
            {
                case "--id": id = v; break;
                case "--sandbox": sandbox = v; break;
                case "--user": user = v; break;
                case "--rlimit": rlimits.Add(RlimitSetting.Parse(v)); break;
                case "--loopback": loopback = v == "up"; break;
                case "--joined": joined = v == "yes"; break;
                case "--rootfs": rootfs = v; break;
                case "--meta": meta = v; break;
                case "--overlay": overlay = v; break;
                case "--layers": layers = v.Split(':', StringSplitOptions.RemoveEmptyEntries).ToList(); break;
                case "--workdir": workDir = v; break;
                case "--uid": uid = uint.Parse(v, System.Globalization.CultureInfo.InvariantCulture); break;
                case "--shm": shm = long.Parse(v, System.Globalization.CultureInfo.InvariantCulture); break;
                case "--caps": caps = v.Split(',').Select(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToList(); break;
                case "--bind":
                    var colon = v.IndexOf(':');
                    if (colon <= 0) throw new FormatException($"--bind {v} is not HOST:INSIDE");
                    (binds ??= new Dictionary<string, string>(StringComparer.Ordinal))[v[..colon]] = v[(colon + 1)..];
                    break;
                default: throw new FormatException($"unknown init option {args[i]}");
            }
        }

        var argv = args.Skip(i + 1).ToList();
        if (id is null || sandbox is null || user is null || argv.Count == 0)
        {
            throw new FormatException("init needs --id, --sandbox, --user and a command after --");
        }

        if ((overlay is null) != (layers is null) || layers is { Count: 0 }) throw new FormatException("--overlay and --layers (at least one) go together");
        return new TaskInitOptions(id, sandbox, user, rlimits, argv, loopback, rootfs, binds, joined, meta, uid, shm, caps, overlay, layers, workDir);
    }
}
