// Verifies every XMLDSig signature of an XML file with the JDK's own implementation
// (javax.xml.crypto.dsig, Apache Santuario inside the JDK): the key is the certificate in KeyInfo.
// Usage: java VerifyXml.java FILE [ID_ATTRIBUTE]. Prints "valid N" or "invalid ..." (exit 1).
import java.io.File;
import java.security.Key;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.xml.crypto.AlgorithmMethod;
import javax.xml.crypto.KeySelector;
import javax.xml.crypto.KeySelectorException;
import javax.xml.crypto.KeySelectorResult;
import javax.xml.crypto.XMLCryptoContext;
import javax.xml.crypto.dsig.Reference;
import javax.xml.crypto.dsig.XMLSignature;
import javax.xml.crypto.dsig.XMLSignatureFactory;
import javax.xml.crypto.dsig.dom.DOMValidateContext;
import javax.xml.crypto.dsig.keyinfo.KeyInfo;
import javax.xml.crypto.dsig.keyinfo.X509Data;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public class VerifyXml {
  public static void main(String[] args) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(true);
    Document doc = f.newDocumentBuilder().parse(new File(args[0]));
    String idAttr = args.length > 1 ? args[1] : "Id";
    NodeList all = doc.getElementsByTagName("*");
    for (int i = 0; i < all.getLength(); i++) {
      Element e = (Element) all.item(i);
      if (e.hasAttribute(idAttr)) e.setIdAttribute(idAttr, true);
    }
    NodeList sigs = doc.getElementsByTagNameNS(XMLSignature.XMLNS, "Signature");
    if (sigs.getLength() == 0) { System.out.println("invalid: no signature"); System.exit(1); }
    XMLSignatureFactory fac = XMLSignatureFactory.getInstance("DOM");
    for (int i = 0; i < sigs.getLength(); i++) {
      DOMValidateContext ctx = new DOMValidateContext(new KeySelector() {
        public KeySelectorResult select(KeyInfo ki, KeySelector.Purpose p, AlgorithmMethod m, XMLCryptoContext c)
            throws KeySelectorException {
          for (Object o : ki.getContent()) {
            if (o instanceof X509Data) {
              for (Object x : ((X509Data) o).getContent()) {
                if (x instanceof X509Certificate) {
                  final Key k = ((X509Certificate) x).getPublicKey();
                  return () -> k;
                }
              }
            }
          }
          throw new KeySelectorException("no certificate in KeyInfo");
        }
      }, sigs.item(i));
      XMLSignature sig = fac.unmarshalXMLSignature(ctx);
      if (!sig.validate(ctx)) {
        StringBuilder why = new StringBuilder("invalid: signature value " + sig.getSignatureValue().validate(ctx));
        for (Object r : sig.getSignedInfo().getReferences()) {
          why.append(", reference ").append(((Reference) r).getURI()).append(' ').append(((Reference) r).validate(ctx));
        }
        System.out.println(why);
        System.exit(1);
      }
    }
    System.out.println("valid " + sigs.getLength());
  }
}
