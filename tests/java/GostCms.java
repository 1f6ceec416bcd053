// Independent CMS SignedData oracle on Bouncy Castle (Debian libbcprov-java,
// libbcpkix-java, libbcutil-java 1.72) for the gostcms interop tests.
//
//   verify SIG [CONTENT]            one line per signer, exit 0 only if all verify
//   verify-list LIST                LIST: lines "SIG<TAB>CONTENT-or-empty"; one JVM
//                                   for many files; "== SIG" header per entry
//   sign --key KEY.pem --cert CERT.pem [--attached] [--no-attrs] [--der] CONTENT OUT
//   genkey CURVE KEY.pem CERT.pem   BC's own GOST R 34.10-2012 key and a self-signed
//                                   certificate; CURVE: a gostcms curve name or a BC name
//   info SIG                        prints the OIDs BC sees in each SignerInfo
//
// Exit codes: 0 done / all signatures valid, 1 a signature failed, 2 usage or
// input error. Written against the documented BC API; no code copied.

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.SignerInformationVerifier;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;
import org.bouncycastle.util.Store;

public final class GostCms {
    private static final String BC = "BC";
    private static final String KEY_2012_256 = "1.2.643.7.1.1.1.1";
    private static final String KEY_2012_512 = "1.2.643.7.1.1.1.2";

    private GostCms() {}

    /** Thrown for usage and input errors (exit 2). */
    private static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String msg) {
            super(msg);
        }
    }

    public static void main(String[] args) {
        Security.addProvider(new BouncyCastleProvider());
        int code;
        try {
            code = run(args);
        } catch (UsageException e) {
            System.err.println("GostCms: " + e.getMessage());
            code = 2;
        } catch (Exception e) {
            System.err.println("GostCms: " + e);
            code = 2;
        }
        System.exit(code);
    }

    private static int run(String[] args) throws Exception {
        if (args.length == 0) {
            throw new UsageException("usage: verify|verify-list|sign|genkey|info ...");
        }
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "verify":
                if (rest.length < 1 || rest.length > 2) {
                    throw new UsageException("usage: verify SIG [CONTENT]");
                }
                return verify(rest[0], rest.length == 2 ? rest[1] : null);
            case "verify-list":
                if (rest.length != 1) {
                    throw new UsageException("usage: verify-list LIST");
                }
                return verifyList(rest[0]);
            case "sign":
                return sign(rest);
            case "genkey":
                if (rest.length != 3) {
                    throw new UsageException("usage: genkey CURVE KEY.pem CERT.pem");
                }
                return genkey(rest[0], rest[1], rest[2]);
            case "info":
                if (rest.length != 1) {
                    throw new UsageException("usage: info SIG");
                }
                return info(rest[0]);
            default:
                throw new UsageException("unknown command " + args[0]);
        }
    }

    // ------------------------------------------------------------------ input

    private static byte[] read(String path) throws UsageException {
        try {
            return Files.readAllBytes(Paths.get(path));
        } catch (IOException e) {
            throw new UsageException("cannot read " + path + ": " + e);
        }
    }

    /** DER/BER as is; PEM armour or bare base64 / base64url text decoded. */
    private static byte[] signatureBytes(byte[] raw) {
        if (raw.length > 0 && (raw[0] & 0xff) == 0x30) {
            return raw;
        }
        String text = new String(raw, StandardCharsets.US_ASCII);
        StringBuilder b64 = new StringBuilder();
        for (String line : text.split("\\r?\\n")) {
            if (!line.startsWith("-----")) {
                b64.append(line.trim());
            }
        }
        String s = b64.toString().replace('-', '+').replace('_', '/').replace("=", "");
        return Base64.getDecoder().decode(s);
    }

    private static CMSSignedData parse(String sigPath, String contentPath) throws Exception {
        byte[] sig = signatureBytes(read(sigPath));
        if (contentPath != null) {
            return new CMSSignedData(new CMSProcessableByteArray(read(contentPath)), sig);
        }
        return new CMSSignedData(sig);
    }

    // ----------------------------------------------------------------- verify

    private static int verify(String sigPath, String contentPath) throws Exception {
        CMSSignedData sd;
        try {
            sd = parse(sigPath, contentPath);
        } catch (UsageException e) {
            throw e;
        } catch (Exception e) {
            System.out.println("FAIL - cannot parse SignedData: " + e);
            return 1;
        }
        Store<X509CertificateHolder> certs = sd.getCertificates();
        Collection<SignerInformation> signers = sd.getSignerInfos().getSigners();
        if (signers.isEmpty()) {
            System.out.println("FAIL - no signers");
            return 1;
        }
        boolean all = true;
        for (SignerInformation si : signers) {
            @SuppressWarnings("unchecked")
            Collection<X509CertificateHolder> match = certs.getMatches(si.getSID());
            String algs = "digest=" + si.getDigestAlgOID() + " sig=" + si.getEncryptionAlgOID();
            if (match.isEmpty()) {
                System.out.println("FAIL - certificate not found " + algs);
                all = false;
                continue;
            }
            X509CertificateHolder cert = match.iterator().next();
            String subject = cert.getSubject().toString();
            try {
                SignerInformationVerifier v =
                        new JcaSimpleSignerInfoVerifierBuilder().setProvider(BC).build(cert);
                if (si.verify(v)) {
                    System.out.println("OK " + subject + " " + algs);
                } else {
                    System.out.println("FAIL " + subject + " signature mismatch " + algs);
                    all = false;
                }
            } catch (Exception e) {
                System.out.println("FAIL " + subject + " " + e + " " + algs);
                all = false;
            }
        }
        return all ? 0 : 1;
    }

    private static int verifyList(String listPath) throws Exception {
        String list = new String(read(listPath), StandardCharsets.UTF_8);
        boolean all = true;
        for (String line : list.split("\\r?\\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split("\t", -1);
            String content = parts.length > 1 && !parts[1].isEmpty() ? parts[1] : null;
            System.out.println("== " + parts[0]);
            int rc;
            try {
                rc = verify(parts[0], content);
            } catch (UsageException e) {
                System.out.println("FAIL - " + e.getMessage());
                rc = 1;
            } catch (Exception e) {
                System.out.println("FAIL - " + e);
                rc = 1;
            }
            all &= rc == 0;
        }
        return all ? 0 : 1;
    }

    private static int info(String sigPath) throws Exception {
        CMSSignedData sd = parse(sigPath, null);
        for (SignerInformation si : sd.getSignerInfos().getSigners()) {
            System.out.println("digestAlgorithm " + si.getDigestAlgOID()
                    + " params " + si.getDigestAlgorithmID().getParameters());
            System.out.println("signatureAlgorithm " + si.getEncryptionAlgOID()
                    + " params " + si.getEncryptionAlgParams());
            System.out.println("signedAttrs " + (si.getSignedAttributes() != null));
        }
        return 0;
    }

    // ------------------------------------------------------------------- sign

    private static Object readPem(String path) throws Exception {
        try (Reader r = new InputStreamReader(
                new java.io.ByteArrayInputStream(read(path)), StandardCharsets.US_ASCII);
                PEMParser p = new PEMParser(r)) {
            Object o = p.readObject();
            if (o == null) {
                throw new UsageException(path + ": no PEM object");
            }
            return o;
        }
    }

    private static String signatureAlgorithm(PrivateKeyInfo info) throws UsageException {
        String oid = info.getPrivateKeyAlgorithm().getAlgorithm().getId();
        switch (oid) {
            case KEY_2012_256:
                return "GOST3411WITHECGOST3410-2012-256";
            case KEY_2012_512:
                return "GOST3411WITHECGOST3410-2012-512";
            default:
                throw new UsageException("not a GOST R 34.10-2012 key: " + oid);
        }
    }

    private static int sign(String[] args) throws Exception {
        String keyPath = null;
        String certPath = null;
        boolean attached = false;
        boolean noAttrs = false;
        boolean der = false;
        List<String> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--key":
                    keyPath = args[++i];
                    break;
                case "--cert":
                    certPath = args[++i];
                    break;
                case "--attached":
                    attached = true;
                    break;
                case "--no-attrs":
                    noAttrs = true;
                    break;
                case "--der":
                    der = true;
                    break;
                default:
                    files.add(args[i]);
            }
        }
        if (keyPath == null || certPath == null || files.size() != 2) {
            throw new UsageException(
                    "usage: sign --key KEY.pem --cert CERT.pem [--attached] [--no-attrs] [--der] CONTENT OUT");
        }
        Object keyObj = readPem(keyPath);
        if (!(keyObj instanceof PrivateKeyInfo)) {
            throw new UsageException(keyPath + ": not a PKCS#8 PRIVATE KEY");
        }
        PrivateKeyInfo keyInfo = (PrivateKeyInfo) keyObj;
        PrivateKey key = new JcaPEMKeyConverter().setProvider(BC).getPrivateKey(keyInfo);
        Object certObj = readPem(certPath);
        if (!(certObj instanceof X509CertificateHolder)) {
            throw new UsageException(certPath + ": not a CERTIFICATE");
        }
        X509Certificate cert = new JcaX509CertificateConverter().setProvider(BC)
                .getCertificate((X509CertificateHolder) certObj);

        ContentSigner signer =
                new JcaContentSignerBuilder(signatureAlgorithm(keyInfo)).setProvider(BC).build(key);
        JcaSignerInfoGeneratorBuilder sigb = new JcaSignerInfoGeneratorBuilder(
                new JcaDigestCalculatorProviderBuilder().setProvider(BC).build());
        sigb.setDirectSignature(noAttrs);
        CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
        gen.addSignerInfoGenerator(sigb.build(signer, cert));
        List<X509Certificate> list = new ArrayList<>();
        list.add(cert);
        gen.addCertificates(new JcaCertStore(list));
        CMSSignedData sd =
                gen.generate(new CMSProcessableByteArray(read(files.get(0))), attached);
        byte[] out = der ? sd.getEncoded("DER") : sd.getEncoded();
        Files.write(Paths.get(files.get(1)), out);
        return 0;
    }

    // ----------------------------------------------------------------- genkey

    private static final Map<String, String> CURVES = new HashMap<>();

    static {
        CURVES.put("cryptopro-a", "GostR3410-2001-CryptoPro-A");
        CURVES.put("cryptopro-b", "GostR3410-2001-CryptoPro-B");
        CURVES.put("cryptopro-c", "GostR3410-2001-CryptoPro-C");
        CURVES.put("cryptopro-xcha", "GostR3410-2001-CryptoPro-XchA");
        CURVES.put("cryptopro-xchb", "GostR3410-2001-CryptoPro-XchB");
        CURVES.put("tc26-256-a", "Tc26-Gost-3410-12-256-paramSetA");
        CURVES.put("tc26-512-a", "Tc26-Gost-3410-12-512-paramSetA");
        CURVES.put("tc26-512-b", "Tc26-Gost-3410-12-512-paramSetB");
        CURVES.put("tc26-512-c", "Tc26-Gost-3410-12-512-paramSetC");
    }

    private static String pem(String label, byte[] der) {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
    }

    private static int genkey(String curve, String keyPath, String certPath) throws Exception {
        String bcName = CURVES.getOrDefault(curve, curve);
        KeyPairGenerator kpg = KeyPairGenerator.getInstance("ECGOST3410-2012", BC);
        kpg.initialize(new ECGenParameterSpec(bcName), new SecureRandom());
        KeyPair kp = kpg.generateKeyPair();

        PrivateKeyInfo info = PrivateKeyInfo.getInstance(kp.getPrivate().getEncoded());
        ContentSigner signer = new JcaContentSignerBuilder(signatureAlgorithm(info))
                .setProvider(BC).build(kp.getPrivate());
        X500Name name = new X500Name("CN=BC " + curve + ",O=gostcms interop");
        long now = System.currentTimeMillis();
        JcaX509v3CertificateBuilder cb = new JcaX509v3CertificateBuilder(
                name,
                BigInteger.valueOf(now),
                new Date(now - 3600_000L),
                new Date(now + 30L * 86400_000L),
                name,
                kp.getPublic());
        X509CertificateHolder cert = cb.build(signer);

        Files.write(Paths.get(keyPath),
                pem("PRIVATE KEY", kp.getPrivate().getEncoded()).getBytes(StandardCharsets.US_ASCII));
        Files.write(Paths.get(certPath),
                pem("CERTIFICATE", cert.getEncoded()).getBytes(StandardCharsets.US_ASCII));
        return 0;
    }
}
