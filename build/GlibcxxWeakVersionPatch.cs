// Makes TorchSharp's native bridge load on systems whose libstdc++ predates GCC 13 (Debian 12,
// Ubuntu 22.04: GLIBCXX_3.4.30). libLibTorchSharp.so asks for GLIBCXX_3.4.32 only because of
// _ZSt21ios_base_library_initv, a marker symbol GCC 13's <iostream> references and never calls.
// Marking that one version requirement weak (VER_FLG_WEAK in its Elf64_Vernaux entry) lets the
// dynamic loader accept a libstdc++ without it. Used by the MSBuild task in Vae.Training.targets (beside this
// file; shipped with it in the Vae.Training package's buildTransitive folder and imported by this repository's
// Directory.Build.targets; compiled by RoslynCodeTaskFactory) and linked into Vae.Training, which patches a copy
// at run time where no build step can (a notebook kernel), so it stays plain C# with no dependencies (Vae.Training
// defines GLIBCXX_PATCH_WITHOUT_MSBUILD to leave the task class out). Only the task is public.
#nullable enable
using System;
using System.IO;
using System.Text;
#if !GLIBCXX_PATCH_WITHOUT_MSBUILD
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
#endif

namespace Vae.Build
{
    internal enum WeakVersionPatchResult { Patched, AlreadyWeak, VersionNotRequired }

    internal static class GlibcxxWeakVersionPatch
    {
        public const string RequiredVersion = "GLIBCXX_3.4.32";
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>True when the libstdc++ at <paramref name="libStdCxxPath"/> defines <paramref name="version"/>.</summary>
        public static bool LibraryProvides(string libStdCxxPath, string version)
        {
            byte[] haystack = File.ReadAllBytes(libStdCxxPath);
            byte[] needle = Encoding.ASCII.GetBytes(version); // NameEquals also checks the terminating NUL
            return IndexOf(haystack, needle, 0) >= 0;
        }

        /// <summary>
        /// Sets VER_FLG_WEAK on every vernaux entry named <paramref name="version"/>. Writes a temp file
        /// next to <paramref name="path"/> and renames it over the original, so a hard-linked copy
        /// (e.g. in the NuGet cache) is never modified and a crash never leaves a half-written library.
        /// </summary>
        public static WeakVersionPatchResult Patch(string path, string version = RequiredVersion)
        {
            byte[] elf = File.ReadAllBytes(path);
            int patched = 0, alreadyWeak = 0;
            foreach (int flagsOffset in FindVernauxFlags(elf, version, path))
            {
                ushort flags = BitConverter.ToUInt16(elf, flagsOffset);
                if ((flags & VerFlgWeak) != 0) { alreadyWeak++; continue; }
                ushort weak = (ushort)(flags | VerFlgWeak);
                elf[flagsOffset] = (byte)weak;
                elf[flagsOffset + 1] = (byte)(weak >> 8);
                patched++;
            }
            if (patched == 0)
                return alreadyWeak > 0 ? WeakVersionPatchResult.AlreadyWeak : WeakVersionPatchResult.VersionNotRequired;

            string temp = path + ".patch-tmp";
            File.WriteAllBytes(temp, elf);
            File.Replace(temp, path, null); // rename(2): atomic, breaks hard links
            return WeakVersionPatchResult.Patched;
        }

        /// <summary>File offsets of the vna_flags field of each vernaux entry named <paramref name="version"/>.</summary>
        public static System.Collections.Generic.List<int> FindVernauxFlags(byte[] elf, string version, string nameForErrors)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException($"{nameForErrors}: not an ELF file (expected magic 7F 45 4C 46).");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException($"{nameForErrors}: expected a 64-bit little-endian ELF (class 2, data 1), got class {elf[4]}, data {elf[5]}.");

            long shoff = checked((long)BitConverter.ToUInt64(elf, 0x28));
            int shentsize = BitConverter.ToUInt16(elf, 0x3A);
            int shnum = BitConverter.ToUInt16(elf, 0x3C);
            if (shentsize < 64 || shoff <= 0 || shoff + (long)shentsize * shnum > elf.Length)
                throw new InvalidDataException($"{nameForErrors}: section header table (offset {shoff}, {shnum} x {shentsize} bytes) lies outside the {elf.Length}-byte file.");

            var result = new System.Collections.Generic.List<int>();
            byte[] wanted = Encoding.ASCII.GetBytes(version);
            for (int i = 0; i < shnum; i++)
            {
                int sh = checked((int)(shoff + (long)i * shentsize));
                if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
                int verneedOffset = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
                int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
                int count = (int)BitConverter.ToUInt32(elf, sh + 0x2C); // sh_info: number of Verneed entries
                int strSh = checked((int)(shoff + (long)link * shentsize));
                int strOffset = checked((int)BitConverter.ToUInt64(elf, strSh + 0x18));
                int strSize = checked((int)BitConverter.ToUInt64(elf, strSh + 0x20));

                int vn = verneedOffset;
                for (int n = 0; n < count; n++)
                {
                    int auxCount = BitConverter.ToUInt16(elf, vn + 2);
                    int vna = vn + (int)BitConverter.ToUInt32(elf, vn + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        int nameIndex = (int)BitConverter.ToUInt32(elf, vna + 8);
                        if (nameIndex < strSize && NameEquals(elf, strOffset + nameIndex, wanted))
                            result.Add(vna + 4);
                        int nextAux = (int)BitConverter.ToUInt32(elf, vna + 12);
                        if (nextAux == 0) break;
                        vna += nextAux;
                    }
                    int next = (int)BitConverter.ToUInt32(elf, vn + 12);
                    if (next == 0) break;
                    vn += next;
                }
            }
            return result;
        }

        // netstandard2.0 (RoslynCodeTaskFactory compiles against it): no spans, plain loops.
        private static bool NameEquals(byte[] elf, int offset, byte[] wanted)
        {
            if (offset < 0 || offset + wanted.Length >= elf.Length || elf[offset + wanted.Length] != 0) return false;
            for (int i = 0; i < wanted.Length; i++)
                if (elf[offset + i] != wanted[i]) return false;
            return true;
        }

        private static int IndexOf(byte[] haystack, byte[] needle, int start)
        {
            for (int i = start; i <= haystack.Length - needle.Length; i++)
                if (NameEquals(haystack, i, needle)) return i;
            return -1;
        }
    }

#if !GLIBCXX_PATCH_WITHOUT_MSBUILD
    /// <summary>
    /// MSBuild task: patches each library when the system libstdc++ lacks the version, or always when
    /// <see cref="Always"/> is set (output that runs on other machines, e.g. a tool package: weak is harmless where
    /// the version exists).
    /// </summary>
    public class PatchGlibcxxWeakVersion : Task
    {
        [Required] public ITaskItem[] Libraries { get; set; } = Array.Empty<ITaskItem>();
        public bool Always { get; set; }

        private static readonly string[] LibStdCxxCandidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        };

        public override bool Execute()
        {
            string? system = Array.Find(LibStdCxxCandidates, File.Exists);
            if (Always)
                return PatchAll("VaePatchLibStdCxxAlways is set (this output runs on other machines)");
            if (system == null)
            {
                Log.LogMessage(MessageImportance.Normal, "libstdc++.so.6 not found in the usual places; libLibTorchSharp.so left as is.");
                return true;
            }
            if (GlibcxxWeakVersionPatch.LibraryProvides(system, GlibcxxWeakVersionPatch.RequiredVersion))
            {
                Log.LogMessage(MessageImportance.Low, $"{system} provides {GlibcxxWeakVersionPatch.RequiredVersion}; no patch needed.");
                return true;
            }
            return PatchAll($"{system} lacks it");
        }

        private bool PatchAll(string reason)
        {
            foreach (ITaskItem item in Libraries)
            {
                string path = item.GetMetadata("FullPath");
                try
                {
                    var result = GlibcxxWeakVersionPatch.Patch(path);
                    if (result == WeakVersionPatchResult.Patched)
                        Log.LogMessage(MessageImportance.High,
                            $"Patched {path}: {GlibcxxWeakVersionPatch.RequiredVersion} marked weak because {reason} (Vae.Training's fix for TorchSharp on Debian 12 and Ubuntu 22.04; see its README).");
                }
                catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
                {
                    Log.LogError($"Could not patch {path} for {GlibcxxWeakVersionPatch.RequiredVersion}: {e.Message}");
                }
            }
            return !Log.HasLoggedErrors;
        }
    }
#endif
}
