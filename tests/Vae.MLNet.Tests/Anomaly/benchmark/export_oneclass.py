# Stand-in for the Vae.Training trainer: one MLP VAE per Fashion-MNIST class (train split), contract-v1 ONNX.
import gzip, json, os, sys, numpy as np, torch, torch.nn as nn, torch.nn.functional as F, onnx
torch.set_num_threads(1)
D='/usr/share/datasets/fashion-mnist/'
def imgs(f):
    with gzip.open(D+f) as g: return np.frombuffer(g.read(),np.uint8,offset=16).reshape(-1,1,28,28).astype(np.float32)/255
def labs(f):
    with gzip.open(D+f) as g: return np.frombuffer(g.read(),np.uint8,offset=8)
Xtr,Ytr=imgs('train-images-idx3-ubyte.gz'),labs('train-labels-idx1-ubyte.gz')
K=16; H=400; EP=int(sys.argv[1])
class VAE(nn.Module):
    def __init__(s):
        super().__init__(); s.e=nn.Sequential(nn.Flatten(),nn.Linear(784,H),nn.ReLU()); s.mu=nn.Linear(H,K); s.lv=nn.Linear(H,K)
        s.d=nn.Sequential(nn.Linear(K,H),nn.ReLU(),nn.Linear(H,784))
    def enc(s,x): h=s.e(x); return s.mu(h),s.lv(h)
class Contract(nn.Module):
    def __init__(s,v): super().__init__(); s.v=v
    def forward(s,image):
        mu,lv=s.v.enc(image); l=s.v.d(mu); x=image.flatten(1)
        return mu,lv,torch.exp(0.5*lv),torch.sigmoid(l).reshape(-1,1,28,28),(F.softplus(l)-x*l).sum(1),-0.5*(1+lv-mu*mu-torch.exp(lv)).sum(1)
for c in range(10):
    torch.manual_seed(c); x=torch.tensor(Xtr[Ytr==c]); v=VAE(); opt=torch.optim.Adam(v.parameters(),1e-3)
    for ep in range(EP):
        for b in torch.randperm(len(x)).split(128):
            xb=x[b]; mu,lv=v.enc(xb); z=mu+torch.randn_like(mu)*(0.5*lv).exp(); l=v.d(z)
            loss=(F.binary_cross_entropy_with_logits(l,xb.flatten(1),reduction='sum')-0.5*(1+lv-mu**2-lv.exp()).sum())/len(xb)
            opt.zero_grad(); loss.backward(); opt.step()
    m=Contract(v).eval()
    with torch.no_grad(): err=m(x)[4].numpy()
    q={str(p):float(np.quantile(err,p)) for p in (0.5,0.9,0.95,0.99,0.999)}
    path=f'/tmp/anom/models/class{c}.onnx'; outs=["mu","logvar","sigma","reconstruction","reconstruction_error","kl"]
    torch.onnx.export(m,x[:2],path,input_names=["image"],output_names=outs,dynamic_axes={n:{0:"N"} for n in ["image"]+outs},opset_version=13)
    mo=onnx.load(path)
    for k_,v_ in {"vae.contract":"1","vae.image_shape":"1x28x28","vae.latent_dim":str(K),"vae.likelihood":"bernoulli","vae.beta":"1",
                 "vae.architecture":f"mlp:{H}","vae.train.error_quantiles":json.dumps(q),"vae.train.dataset":f"fashion-mnist train class {c}",
                 "vae.producer":"/tmp/anom/export_oneclass.py"}.items(): mo.metadata_props.add(key=k_,value=v_)
    onnx.save(mo,path); print(c,'loss',float(loss),flush=True)
